//! End-to-end tests of the `gwcheck` binary: every command run as a user
//! would, on the fixtures under `tests/fixtures/` and the bundled example
//! (`examples/`): exit status, output, JSON and YAML parsed back.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The workspace root.
fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures")).join(name)
}

/// Runs `gwcheck` with `args` from the workspace root, standard input empty.
fn gwcheck<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    Command::new(env!("CARGO_BIN_EXE_gwcheck"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::null())
        .output()
        .expect("run gwcheck")
}

/// Runs `gwcheck` with `args`, feeding `input` on standard input.
fn gwcheck_stdin(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gwcheck"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run gwcheck");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(input.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("wait for gwcheck")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("utf-8 output")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("utf-8 output")
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("an exit code")
}

fn path(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

// --- lint -----------------------------------------------------------------

#[test]
fn lint_exits_0_when_no_object_would_be_rejected() {
    let out = gwcheck(["lint", path(&fixture("good/manifests.yaml"))]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert!(stderr(&out).contains("0 rejected"), "{}", stderr(&out));
}

#[test]
fn lint_prints_file_line_col_kind_name_field_message_rule_and_exits_1() {
    let out = gwcheck(["lint", path(&fixture("bad"))]);
    assert_eq!(code(&out), 1, "{}", stdout(&out));
    let text = stdout(&out);
    let line = text
        .lines()
        .find(|l| l.contains("Gateway shop/broken"))
        .unwrap_or_else(|| panic!("no finding for the broken Gateway:\n{text}"));
    assert!(
        line.contains("bad/manifests.yaml:20:13: Gateway shop/broken: spec.listeners[0].port: "),
        "{line}"
    );
    assert!(line.ends_with("[load.invalid-type]"), "{line}");
}

#[test]
fn lint_exits_2_on_a_missing_file() {
    let out = gwcheck(["lint", "no/such/file.yaml"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("no/such/file.yaml"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn lint_reads_standard_input_from_a_dash() {
    let bad = std::fs::read_to_string(fixture("bad/manifests.yaml")).expect("read the fixture");
    let out = gwcheck_stdin(&["lint", "-"], &bad);
    assert_eq!(code(&out), 1);
    assert!(
        stdout(&out).starts_with("-:20:13: Gateway shop/broken"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_usage_error_exits_2() {
    let out = gwcheck(["lint"]);
    assert_eq!(code(&out), 2);
    let out = gwcheck(["frobnicate"]);
    assert_eq!(code(&out), 2);
}

// --- status ---------------------------------------------------------------

#[test]
fn status_describes_every_object_with_problems_first() {
    let out = gwcheck(["status", "--color", "never", path(&fixture("bad"))]);
    assert_eq!(code(&out), 1, "the broken Gateway would be rejected");
    let text = stdout(&out);
    let route = text
        .find("HTTPRoute shop/lost  (problem)")
        .expect("the route is a problem");
    let gateway = text
        .find("Gateway shop/front")
        .expect("the Gateway is described");
    assert!(route < gateway, "problems first:\n{text}");
    assert!(text.contains("NoMatchingParent"), "{text}");
}

#[test]
fn status_json_holds_the_objects_with_status_filled_in() {
    let out = gwcheck([
        "status",
        "-o",
        "json",
        path(&fixture("good/manifests.yaml")),
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    assert_eq!(list["kind"], "List");
    let items = list["items"].as_array().expect("items");
    let gateway = items
        .iter()
        .find(|i| i["kind"] == "Gateway")
        .expect("the Gateway is listed");
    let accepted = gateway["status"]["conditions"]
        .as_array()
        .expect("conditions")
        .iter()
        .find(|c| c["type"] == "Accepted")
        .expect("an Accepted condition");
    assert_eq!(accepted["status"], "True");
    assert_eq!(gateway["status"]["listeners"][0]["attachedRoutes"], 1);
    let route = items
        .iter()
        .find(|i| i["kind"] == "HTTPRoute")
        .expect("the route is listed");
    assert_eq!(route["status"]["parents"][0]["parentRef"]["name"], "front");
}

#[test]
fn status_yaml_parses_back_to_the_same_objects_as_json() {
    let file = fixture("good/manifests.yaml");
    let json = gwcheck(["status", "-o", "json", path(&file)]);
    let yaml = gwcheck(["status", "-o", "yaml", path(&file)]);
    assert_eq!(code(&yaml), 0);
    let from_json: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    let from_yaml: serde_json::Value =
        serde_saphyr::from_str(&stdout(&yaml)).expect("YAML that parses");
    assert_eq!(from_json, from_yaml);
}

#[test]
fn status_strict_exits_1_when_a_route_is_not_fully_accepted() {
    let good = gwcheck(["status", "--strict", path(&fixture("good/manifests.yaml"))]);
    assert_eq!(code(&good), 0, "{}", stdout(&good));
    // The lost route only: nothing would be rejected, but it is not accepted.
    let text = std::fs::read_to_string(fixture("bad/manifests.yaml")).expect("read");
    let without_broken: String = text
        .split("\n---\n")
        .filter(|doc| !doc.contains("name: broken"))
        .collect::<Vec<_>>()
        .join("\n---\n");
    let lenient = gwcheck_stdin(&["status", "-"], &without_broken);
    assert_eq!(code(&lenient), 0, "{}", stdout(&lenient));
    let strict = gwcheck_stdin(&["status", "--strict", "-"], &without_broken);
    assert_eq!(code(&strict), 1, "{}", stdout(&strict));
}

// --- test -----------------------------------------------------------------

#[test]
fn test_shows_expected_and_found_side_by_side_and_exits_1() {
    let out = gwcheck(["test", path(&fixture("failing-tests.yaml"))]);
    assert_eq!(code(&out), 1);
    let text = stdout(&out);
    assert!(
        text.contains("Accepted: expected False, found True/Accepted"),
        "{text}"
    );
    assert!(
        text.contains("listener http attachedRoutes: expected 5, found 1"),
        "{text}"
    );
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.last(), Some(&"0 passed, 1 failed"));
    assert_eq!(
        lines[lines.len() - 2],
        "expectations: status 0/2, requests 0/0"
    );
}

#[test]
fn test_passes_the_good_fixture_and_exits_0() {
    let out = gwcheck(["test", "--verbose", path(&fixture("good-tests.yaml"))]);
    let text = stdout(&out);
    assert_eq!(code(&out), 0, "{text}");
    assert!(
        text.contains("✓ requests[0]"),
        "verbose prints passes:\n{text}"
    );
    assert_eq!(text.lines().last(), Some("1 passed, 0 failed"));
}

#[test]
fn the_readme_command_passes_on_the_bundled_example() {
    let out = gwcheck(["test", "examples/store-tests.yaml", "--verbose"]);
    let text = stdout(&out);
    assert_eq!(code(&out), 0, "{text}");
    assert!(
        text.contains("expectations: status 13/13, requests 7/7"),
        "{text}"
    );
}

#[test]
fn test_quiet_prints_only_failing_files_and_the_counts() {
    let out = gwcheck([
        "test",
        "-q",
        path(&fixture("failing-tests.yaml")),
        path(&fixture("good-tests.yaml")),
    ]);
    let text = stdout(&out);
    assert_eq!(code(&out), 1);
    assert!(text.contains("FAIL"), "{text}");
    assert!(
        !text.contains("expected"),
        "quiet leaves details out:\n{text}"
    );
    assert!(
        !text.contains("good-tests.yaml"),
        "quiet leaves passes out:\n{text}"
    );
}

#[test]
fn test_filter_and_skips_select_files() {
    let dir = std::env::temp_dir().join(format!("gwcheck-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let skips = dir.join("skips.txt");
    std::fs::write(
        &skips,
        "# why\nfailing-tests.yaml: the fixture is wrong on purpose\n",
    )
    .expect("write the skip list");
    let out = gwcheck([
        "test",
        "--filter",
        "failing",
        "--skips",
        path(&skips),
        path(&fixture("")),
    ]);
    let text = stdout(&out);
    assert_eq!(
        code(&out),
        0,
        "a skipped file does not fail the run:\n{text}"
    );
    assert!(
        text.contains("failing-tests.yaml: the fixture is wrong on purpose"),
        "{text}"
    );
    assert_eq!(text.lines().last(), Some("0 passed, 0 failed, 1 skipped"));
}

#[test]
fn test_coverage_lists_rules_no_request_reached() {
    let out = gwcheck(["test", "--coverage", path(&fixture("failing-tests.yaml"))]);
    let text = stdout(&out);
    assert!(
        text.contains("coverage: 2 of 2 route rules reached by no request"),
        "{text}"
    );
    assert!(text.contains("HTTPRoute shop/site rules[1]"), "{text}");
}

#[test]
fn test_exits_2_on_a_missing_folder_or_skip_list() {
    let out = gwcheck(["test", "--skips", "no/such/skips.txt", path(&fixture(""))]);
    assert_eq!(code(&out), 2);
    let out = gwcheck([
        "test",
        "--filter",
        "nothing-matches-this",
        path(&fixture("")),
    ]);
    assert_eq!(code(&out), 2, "{}", stdout(&out));
}

// --- route ----------------------------------------------------------------

#[test]
fn route_explains_the_listener_candidates_and_winner() {
    let out = gwcheck([
        "route",
        path(&fixture("good/manifests.yaml")),
        "--gateway",
        "shop/front",
        "GET http://shop.example.com/api/orders?x=1",
        "-H",
        "x-test: yes",
    ]);
    let text = stdout(&out);
    assert_eq!(code(&out), 0, "{text}{}", stderr(&out));
    assert!(text.contains("listener http (HTTP port 80)"), "{text}");
    assert!(text.contains("=> backend shop/api:8080"), "{text}");
    assert!(text.contains("* HTTPRoute shop/site rules[0]"), "{text}");
    assert!(
        text.contains("- HTTPRoute shop/site rules[1] matches[0] (PathPrefix /): matches, but the winner's path match is more specific"),
        "{text}"
    );
}

#[test]
fn route_json_parses_back() {
    let out = gwcheck([
        "route",
        path(&fixture("good/manifests.yaml")),
        "--gateway",
        "shop/front",
        "http://shop.example.com/",
        "-o",
        "json",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    assert_eq!(value["outcome"], "backend shop/web:80");
    assert_eq!(value["backends"][0]["backend"], "shop/web:80");
    assert_eq!(value["backends"][0]["percent"], 100.0);
    let verdicts: Vec<&str> = value["candidates"]
        .as_array()
        .expect("candidates")
        .iter()
        .map(|c| c["verdict"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(verdicts, ["won", "noMatch"]);
}

#[test]
fn route_says_when_the_connection_is_refused() {
    let out = gwcheck([
        "route",
        path(&fixture("good/manifests.yaml")),
        "--gateway",
        "shop/front",
        "https://shop.example.com/",
    ]);
    assert_eq!(code(&out), 0);
    assert!(
        stdout(&out).contains("=> rejected (no HTTPS listener on port 443)"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn route_exits_2_on_an_unknown_gateway_or_a_bad_request() {
    let file = fixture("good/manifests.yaml");
    let out = gwcheck(["route", path(&file), "--gateway", "shop/nope", "http://a/"]);
    assert_eq!(code(&out), 2);
    let out = gwcheck(["route", path(&file), "--gateway", "shop/front", "ftp://a/"]);
    assert_eq!(code(&out), 2);
}

// --- schema ---------------------------------------------------------------

#[test]
fn schema_prints_the_json_schema_of_a_kind() {
    let out = gwcheck(["schema", "httproute", "--version", "v1"]);
    assert_eq!(code(&out), 0);
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert!(schema["properties"]["spec"].is_object(), "{schema}");
    let out = gwcheck(["schema", "HTTPRoute", "--version", "v9"]);
    assert_eq!(code(&out), 2);
    let out = gwcheck(["schema", "Deployment"]);
    assert_eq!(code(&out), 2);
}

// --- help and colour --------------------------------------------------------

#[test]
fn every_command_has_help_with_an_example() {
    for command in ["lint", "status", "route", "test", "schema"] {
        let out = gwcheck([command, "--help"]);
        assert_eq!(code(&out), 0);
        let text = stdout(&out);
        assert!(text.contains("Examples:"), "{command}: {text}");
        assert!(
            text.contains(&format!("gwcheck {command} ")),
            "{command}: {text}"
        );
    }
}

#[test]
fn colour_only_on_a_terminal_unless_asked() {
    let file = fixture("failing-tests.yaml");
    let piped = gwcheck(["test", path(&file)]);
    assert!(!stdout(&piped).contains('\u{1b}'), "no escapes into a pipe");
    let forced = gwcheck(["--color", "always", "test", path(&file)]);
    assert!(stdout(&forced).contains("\u{1b}["), "escapes when asked");
    let never = gwcheck(["--color", "never", "test", path(&file)]);
    assert!(!stdout(&never).contains('\u{1b}'));
}

#[test]
fn test_reads_a_test_file_from_standard_input() {
    let text = "name: FromStdin\nmanifests: [gwcheck/tests/fixtures/good/manifests.yaml]\n\
                expect:\n  gateways:\n    - name: shop/front\n      conditions: {Accepted: \"True\"}\n";
    let out = gwcheck_stdin(&["test", "-"], text);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert!(stdout(&out).contains("FromStdin"), "{}", stdout(&out));
}

#[test]
fn route_explains_a_tls_stream_by_its_server_name() {
    let file = fixture("tls/manifests.yaml");
    let out = gwcheck([
        "route",
        path(&file),
        "--gateway",
        "ns/gw",
        "tls://db.example.com:443",
    ]);
    let text = stdout(&out);
    assert_eq!(code(&out), 0, "{text}");
    assert!(text.contains("=> backend ns/db:5432"), "{text}");
    assert!(text.contains("* TLSRoute ns/db"), "{text}");
    assert!(
        text.contains("- TLSRoute ns/wild rules[0] matches[0] (hostnames *.example.com): matches, but a route with a more specific hostname has precedence"),
        "{text}"
    );
    let out = gwcheck([
        "route",
        path(&file),
        "--gateway",
        "ns/gw",
        "tls://x.other.org:443",
    ]);
    assert!(
        stdout(&out).contains("=> rejected (no route matched)"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn gateway_class_replaces_the_conformance_placeholder_in_manifests() {
    let manifests = "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\n\
                     metadata: {name: gw, namespace: ns}\n\
                     spec:\n  gatewayClassName: \"{GATEWAY_CLASS_NAME}\"\n  \
                     listeners: [{name: http, protocol: HTTP, port: 80}]\n";
    let out = gwcheck_stdin(
        &["status", "--gateway-class", "acting", "-o", "json", "-"],
        manifests,
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let gateway = &list["items"][0];
    assert_eq!(gateway["spec"]["gatewayClassName"], "acting");
    assert_eq!(gateway["status"]["conditions"][0]["type"], "Accepted");
    assert_eq!(gateway["status"]["conditions"][0]["status"], "True");
}
