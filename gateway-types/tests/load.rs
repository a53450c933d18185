//! The loader's rules, one test each.
//!
//! The kinds are checked through what every kind has (metadata, positions,
//! unknown fields that no version of a kind has), so that these tests hold
//! whatever fields the kinds grow.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use gateway_types::load::{Limit, Limits, LoadErrorKind, Loaded, Loader};
use gateway_types::{LoadError, MetaExt, Object};
use proptest::prelude::*;

fn load(src: &str) -> Loaded {
    Loader::new().load_str("test.yaml", src)
}

fn names(loaded: &Loaded) -> Vec<String> {
    loaded
        .objects
        .iter()
        .map(|o| o.object.metadata().name_str().to_owned())
        .collect()
}

fn only_error(loaded: &Loaded) -> &LoadError {
    assert_eq!(loaded.errors.len(), 1, "errors: {:#?}", loaded.errors);
    &loaded.errors[0]
}

fn position(e: &LoadError) -> (usize, usize) {
    (e.line(), e.column())
}

const NAMESPACE: &str = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ok\n";

#[test]
fn malformed_yaml_is_a_syntax_error_with_position() {
    let loaded = load("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: [unclosed\n");
    let e = only_error(&loaded);
    assert!(matches!(e.kind(), LoadErrorKind::Syntax { .. }), "{e}");
    assert!(e.line() >= 4, "{e}");
    assert!(e.to_string().starts_with("test.yaml:"), "{e}");
    assert!(loaded.objects.is_empty());

    let loaded = load("a: b: c\n");
    assert!(matches!(
        only_error(&loaded).kind(),
        LoadErrorKind::Syntax { .. }
    ));
    assert_eq!(position(only_error(&loaded)), (1, 5));
}

#[test]
fn wrong_type_is_an_error_with_path_and_position() {
    let src = "\
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: web
  namespace: default
spec: [1, 2]
";
    let loaded = load(src);
    let e = only_error(&loaded);
    assert!(
        matches!(e.kind(), LoadErrorKind::InvalidType { message } if message.starts_with("invalid type: sequence, expected")),
        "{e}"
    );
    assert_eq!(e.field_path(), Some("spec"));
    assert_eq!(position(e), (6, 7));
    assert_eq!(e.object(), Some("HTTPRoute default/web"));
    assert!(
        e.to_string()
            .starts_with("test.yaml:6:7: HTTPRoute default/web: spec: invalid type: sequence"),
        "{e}"
    );
}

#[test]
fn wrong_type_inside_metadata_is_an_error_at_the_value() {
    let src = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: n\n  labels:\n    app: web\n    version: 2\n";
    let loaded = load(src);
    let e = only_error(&loaded);
    assert!(
        matches!(e.kind(), LoadErrorKind::InvalidType { message } if message == "invalid type: integer `2`, expected a string"),
        "{e}"
    );
    assert_eq!(e.field_path(), Some("metadata.labels.version"));
    assert_eq!(position(e), (7, 14));
    assert_eq!(e.object(), Some("Namespace n"));

    let loaded = load("apiVersion: v1\nkind: Namespace\nmetadata:\n  annotations: {a: ~}\n");
    let e = only_error(&loaded);
    assert_eq!(e.field_path(), Some("metadata.annotations.a"), "{e}");
    assert_eq!(position(e), (4, 20));
}

#[test]
fn wrong_type_of_api_version_is_an_error_at_the_value() {
    let loaded = load("apiVersion: 1\nkind: Namespace\n");
    let e = only_error(&loaded);
    assert!(matches!(e.kind(), LoadErrorKind::InvalidType { .. }), "{e}");
    assert_eq!(e.field_path(), Some("apiVersion"));
    assert_eq!(position(e), (1, 13));
}

#[test]
fn missing_required_field_names_the_field() {
    let loaded =
        load("apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: web\n");
    let e = only_error(&loaded);
    assert!(
        matches!(e.kind(), LoadErrorKind::MissingField { field } if field == "spec"),
        "{e}"
    );
    assert_eq!(position(e), (1, 1));
    assert_eq!(e.object(), Some("HTTPRoute web"));
}

#[test]
fn unknown_field_is_a_warning_with_path_and_position_and_the_object_loads() {
    let src = "\
apiVersion: gateway.networking.k8s.io/v1
kind: ReferenceGrant
metadata:
  name: grant
  namespace: apps
spec:
  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: web}]
  to: [{group: '', kind: Service}]
notAFieldOfAnyKind: 1
";
    let loaded = load(src);
    assert!(loaded.is_ok(), "{:#?}", loaded.errors);
    assert_eq!(names(&loaded), ["grant"]);
    assert_eq!(loaded.warnings.len(), 1, "{:#?}", loaded.warnings);
    let w = &loaded.warnings[0];
    assert!(
        matches!(w.kind(), LoadErrorKind::UnknownField { field } if field == "notAFieldOfAnyKind")
    );
    assert_eq!(w.field_path(), Some("notAFieldOfAnyKind"));
    assert_eq!(position(w), (9, 1));
    assert_eq!(
        w.to_string(),
        "test.yaml:9:1: ReferenceGrant apps/grant: notAFieldOfAnyKind: unknown field \
         `notAFieldOfAnyKind` is ignored; check its spelling, indentation and apiVersion"
    );
}

#[test]
fn unknown_nested_field_is_a_warning_with_its_full_path() {
    let src = "\
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web}
spec:
  notAFieldOfAnyKind:
    deeper: true
";
    let loaded = load(src);
    assert!(loaded.is_ok(), "{:#?}", loaded.errors);
    assert_eq!(names(&loaded), ["web"]);
    let w = loaded
        .warnings
        .iter()
        .find(|w| w.field_path() == Some("spec.notAFieldOfAnyKind"))
        .expect("a warning for the unknown field");
    assert_eq!(position(w), (5, 3));
    assert_eq!(w.object(), Some("HTTPRoute web"));
}

#[test]
fn non_strict_loader_drops_unknown_fields_silently() {
    let src = "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: c}\nspec: {}\nnotAFieldOfAnyKind: 1\n";
    let loaded = Loader::new().strict(false).load_str("x", src);
    assert_eq!(load(src).warnings.len(), 1);
    assert!(loaded.is_ok());
    assert!(loaded.warnings.is_empty(), "{:#?}", loaded.warnings);
    assert_eq!(names(&loaded), ["c"]);
}

#[test]
fn duplicated_key_is_an_error_naming_the_key_and_both_positions() {
    let src =
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  labels: {x: 1}\n  name: b\n";
    let loaded = load(src);
    let e = only_error(&loaded);
    assert!(matches!(
        e.kind(),
        LoadErrorKind::DuplicateKey { key, first_line: 4, first_column: 3 } if key == "name"
    ));
    assert_eq!(position(e), (6, 3));
    assert!(e.to_string().contains("duplicate key `name`"), "{e}");
    assert!(loaded.objects.is_empty());
}

#[test]
fn document_that_is_not_a_mapping_is_an_error() {
    let loaded = load("- apiVersion: v1\n  kind: Namespace\n---\njust text\n---\n~\n");
    assert_eq!(loaded.errors.len(), 3, "{:#?}", loaded.errors);
    let found: Vec<_> = loaded
        .errors
        .iter()
        .map(|e| match e.kind() {
            LoadErrorKind::NotAMapping { found } => *found,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(found, ["a sequence", "a string", "null"]);
    assert_eq!(position(&loaded.errors[1]), (4, 1));
    assert_eq!(loaded.errors[1].document(), Some(1));
}

#[test]
fn missing_kind_or_api_version_is_an_error() {
    let loaded = load(
        "apiVersion: v1\nmetadata: {name: a}\n---\nkind: Namespace\nmetadata: {name: b}\n---\nmetadata: {}\n---\napiVersion: v1\nkind: ''\n",
    );
    let fields: Vec<_> = loaded
        .errors
        .iter()
        .map(|e| match e.kind() {
            LoadErrorKind::MissingApiVersionOrKind { field } => *field,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        fields,
        ["kind", "apiVersion", "apiVersion and kind", "kind"]
    );
    assert_eq!(loaded.errors[1].object(), Some("Namespace b"));
    assert_eq!(position(&loaded.errors[1]), (4, 1));
}

#[test]
fn unknown_kind_is_skipped_not_an_error() {
    let src = "\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: prod}
---
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: knative}
";
    let loaded = load(src);
    assert!(loaded.is_ok(), "{:#?}", loaded.errors);
    assert!(loaded.objects.is_empty());
    assert_eq!(loaded.skipped.len(), 2);
    let s = &loaded.skipped[0];
    assert_eq!((&*s.file, s.line, s.document), ("test.yaml", 1, 0));
    assert_eq!(
        (s.api_version.as_str(), s.kind.as_str()),
        ("apps/v1", "Deployment")
    );
    assert_eq!(s.name.as_deref(), Some("web"));
    assert_eq!(s.namespace.as_deref(), Some("prod"));
    assert_eq!(
        s.to_string(),
        "test.yaml:1:1: skipped Deployment prod/web (apps/v1): not a kind of this crate"
    );
    // A core kind name in another group is not the core kind.
    assert_eq!(loaded.skipped[1].kind, "Service");
    assert_eq!(loaded.skipped[1].line, 5);
}

#[test]
fn known_kind_in_an_unserved_version_loads_with_a_warning() {
    let src = "apiVersion: gateway.networking.k8s.io/v0\nkind: HTTPRoute\nmetadata: {name: r}\nspec: {}\n";
    let loaded = load(src);
    assert!(loaded.is_ok(), "{:#?}", loaded.errors);
    assert_eq!(names(&loaded), ["r"]);
    let w = loaded
        .warnings
        .iter()
        .find(|w| matches!(w.kind(), LoadErrorKind::UnservedVersion { .. }))
        .expect("an unserved-version warning");
    assert_eq!(w.field_path(), Some("apiVersion"));
    assert_eq!(position(w), (1, 13));
    assert!(w.to_string().contains("v1"), "{w}");
}

#[test]
fn broken_document_does_not_stop_the_next() {
    let src = "\
apiVersion: v1
kind: Namespace
metadata: {name: one}
---
apiVersion: v1
kind: Namespace
metadata: {name: [broken
---
apiVersion: v1
kind: Namespace
metadata: {name: three}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: wrong-type}
spec: 5
---
apiVersion: v1
kind: Namespace
metadata: {name: five}
";
    let loaded = load(src);
    assert_eq!(names(&loaded), ["one", "three", "five"]);
    assert_eq!(loaded.errors.len(), 2, "{:#?}", loaded.errors);
    assert!(matches!(
        loaded.errors[0].kind(),
        LoadErrorKind::Syntax { .. }
    ));
    assert_eq!(loaded.errors[0].document(), Some(1));
    assert!(matches!(
        loaded.errors[1].kind(),
        LoadErrorKind::InvalidType { .. }
    ));
    assert_eq!(loaded.errors[1].document(), Some(3));
    let docs: Vec<_> = loaded.objects.iter().map(|o| o.source.document()).collect();
    assert_eq!(docs, [0, 2, 4]);
    let lines: Vec<_> = loaded.objects.iter().map(|o| o.source.line()).collect();
    assert_eq!(lines, [1, 9, 18]);
}

#[test]
fn empty_documents_are_skipped_silently() {
    let src = "# leading comment\n---\n---\n# only a comment\n---\n...\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\n";
    let loaded = load(src);
    assert!(loaded.is_ok(), "{:#?}", loaded.errors);
    assert!(loaded.warnings.is_empty() && loaded.skipped.is_empty());
    assert_eq!(names(&loaded), ["a"]);
    assert_eq!(loaded.objects[0].source.line(), 8);
    assert!(load("").objects.is_empty() && load("").is_ok());
    assert!(load("   \n# x\n").is_ok());
}

#[test]
fn list_is_unpacked_with_positions_of_each_item() {
    let src = "\
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Namespace
  metadata: {name: first}
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: skipped}
-   apiVersion: v1
    kind: ConfigMap
    metadata:
      name: third
- just a string
";
    let loaded = load(src);
    assert_eq!(names(&loaded), ["first", "third"]);
    assert_eq!(loaded.skipped.len(), 1);
    let e = only_error(&loaded);
    assert!(matches!(e.kind(), LoadErrorKind::NotAMapping { .. }));
    assert_eq!(e.field_path(), Some("items[3]"));
    assert_eq!(position(e), (14, 3));
    let third = &loaded.objects[1].source;
    assert_eq!((third.line(), third.column()), (10, 5));
    assert_eq!(third.item_path(), Some("items[2]"));
    assert_eq!(third.position("metadata.name"), Some((13, 7)));
    assert_eq!(third.position(""), Some((10, 5)));
}

#[test]
fn typed_list_items_take_kind_and_api_version_from_the_list() {
    let src = "\
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRouteList
metadata: {resourceVersion: \"7\"}
items:
- metadata: {name: a, namespace: x}
  spec: {}
- apiVersion: gateway.networking.k8s.io/v1
  kind: HTTPRoute
  metadata: {name: b, namespace: x}
  spec: {}
";
    let loaded = load(src);
    assert!(loaded.is_ok(), "{:#?}", loaded.errors);
    assert_eq!(names(&loaded), ["a", "b"]);
    for o in &loaded.objects {
        assert!(matches!(o.object, Object::HttpRoute(_)));
        assert_eq!(o.object.api_version(), "gateway.networking.k8s.io/v1");
    }
    assert_eq!(loaded.objects[0].source.line(), 5);
    assert_eq!(loaded.objects[1].source.line(), 7);
}

#[test]
fn list_items_that_are_not_a_sequence_are_an_error() {
    let loaded = load("apiVersion: v1\nkind: List\nitems: {a: 1}\n");
    let e = only_error(&loaded);
    assert!(matches!(e.kind(), LoadErrorKind::InvalidType { .. }), "{e}");
    assert_eq!(e.field_path(), Some("items"));
    assert_eq!(position(e), (3, 8));
}

#[test]
fn positions_of_nested_fields() {
    let src = "\
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: web
  annotations:
    example.com/owner: team-a
spec:
  rules:
  - matches:
    - path: {type: Exact, value: /a}
    - path:
        type: PathPrefix
        value: /b
";
    let loaded = load(src);
    assert_eq!(names(&loaded), ["web"]);
    let source = &loaded.objects[0].source;
    assert_eq!(
        (source.file(), source.line(), source.column()),
        ("test.yaml", 1, 1)
    );
    let cases = [
        ("", Some((1, 1))),
        ("kind", Some((2, 1))),
        ("metadata.name", Some((4, 3))),
        ("metadata.annotations.example.com/owner", Some((6, 5))),
        ("spec.rules", Some((8, 3))),
        ("spec.rules[0]", Some((9, 5))),
        ("spec.rules[0].matches[0].path.value", Some((10, 27))),
        ("spec.rules[0].matches[1]", Some((11, 7))),
        ("spec.rules[0].matches[1].path.value", Some((13, 9))),
        ("spec.rules[1]", None),
        ("spec.rules.x", None),
        ("spec.nothing", None),
        ("spec.", None),
        ("spec.rules[x]", None),
    ];
    for (path, expected) in cases {
        assert_eq!(source.position(path), expected, "{path}");
    }
    let clone = source.clone();
    assert_eq!(clone.position("spec.rules[0]"), Some((9, 5)));
}

fn assert_quick_limit(loaded: &Loaded, started: Instant, limit: Limit) {
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
    assert!(
        loaded.errors.iter().any(
            |e| matches!(e.kind(), LoadErrorKind::LimitExceeded { limit: l, .. } if *l == limit)
        ),
        "no {limit} error in {:#?}",
        loaded.errors
    );
    let e = loaded
        .errors
        .iter()
        .find(|e| matches!(e.kind(), LoadErrorKind::LimitExceeded { .. }))
        .map(ToString::to_string)
        .unwrap_or_default();
    assert!(e.contains(limit.name()), "{e}");
}

#[test]
fn huge_document_is_a_limit_error_and_the_next_still_loads() {
    let mut src = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n");
    let line = format!("  k: {}\n", "x".repeat(1000));
    while src.len() <= Limits::default().max_document_bytes {
        src.push_str(&line);
    }
    src.push_str("---\n");
    src.push_str(NAMESPACE);
    let started = Instant::now();
    let loaded = load(&src);
    assert_quick_limit(&loaded, started, Limit::DocumentBytes);
    assert_eq!(names(&loaded), ["ok"]);
    assert_eq!(position(&loaded.errors[0]), (1, 1));
}

#[test]
fn huge_input_is_a_limit_error_before_parsing() {
    let mut limits = Limits::default();
    limits.max_input_bytes = 100;
    let started = Instant::now();
    let loaded = Loader::new()
        .limits(limits)
        .load_str("big", &"#".repeat(101));
    assert_quick_limit(&loaded, started, Limit::InputBytes);
    assert_eq!(
        loaded.errors[0].to_string(),
        "big: input is larger than max_input_bytes (100); raise the limit if the input is trusted"
    );
}

#[test]
fn too_many_documents_is_a_limit_error() {
    let mut limits = Limits::default();
    limits.max_documents = 3;
    let src = NAMESPACE.replace("name: ok", "name: a")
        + "---\n"
        + &NAMESPACE.replace("name: ok", "name: b")
        + "---\n---\n"
        + NAMESPACE;
    let started = Instant::now();
    let loaded = Loader::new().limits(limits).load_str("x", &src);
    assert_quick_limit(&loaded, started, Limit::Documents);
    assert_eq!(names(&loaded), ["a", "b"]);
    let src = "---\n".repeat(200_000);
    let started = Instant::now();
    let loaded = load(&src);
    assert_quick_limit(&loaded, started, Limit::Documents);
}

#[test]
fn deep_nesting_is_a_limit_error() {
    let flow = format!(
        "apiVersion: v1\nkind: Namespace\nx: {}",
        "[".repeat(1_000_000)
    );
    let started = Instant::now();
    let loaded = load(&flow);
    assert_quick_limit(&loaded, started, Limit::Depth);

    let mut block = String::from("apiVersion: v1\nkind: Namespace\n");
    for depth in 0..100 {
        block.push_str(&" ".repeat(depth));
        block.push_str("a:\n");
    }
    let started = Instant::now();
    let loaded = load(&block);
    assert_quick_limit(&loaded, started, Limit::Depth);

    // Exactly at the limit is fine.
    let mut limits = Limits::default();
    limits.max_depth = 3;
    let loaded = Loader::new().limits(limits).load_str(
        "x",
        "apiVersion: v1\nkind: Namespace\nmetadata: {labels: {a: b}}\nz: [[1]]\n",
    );
    assert!(loaded.is_ok(), "{:#?}", loaded.errors);
}

#[test]
fn alias_bomb_is_a_limit_error() {
    let mut src = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\n");
    src.push_str("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let prev = format!("*a{}", i - 1);
        let list = [prev.as_str(); 9].join(", ");
        src.push_str(&format!("a{i}: &a{i} [{list}]\n"));
    }
    src.push_str("---\n");
    src.push_str(NAMESPACE);
    let started = Instant::now();
    let loaded = load(&src);
    assert_quick_limit(&loaded, started, Limit::AliasNodes);
    assert_eq!(names(&loaded), ["ok"]);
}

#[test]
fn aliases_within_the_budget_expand() {
    let src = "\
apiVersion: v1
kind: Namespace
metadata:
  labels: &labels {app: web, tier: front}
  annotations: *labels
  name: aliased
";
    let loaded = load(src);
    assert!(loaded.is_ok(), "{:#?}", loaded.errors);
    let meta = loaded.objects[0].object.metadata();
    assert_eq!(meta.label("app"), Some("web"));
    assert_eq!(meta.annotations, meta.labels);
}

#[test]
fn json_input_loads_through_the_yaml_parser() {
    let src = r#"{
  "apiVersion": "v1",
  "kind": "Namespace",
  "metadata": {"name": "from-json", "labels": {"a": "b"}}
}
"#;
    let loaded = Loader::new().load_str("ns.json", src);
    assert!(loaded.is_ok(), "{:#?}", loaded.errors);
    assert_eq!(names(&loaded), ["from-json"]);
    assert_eq!(
        loaded.objects[0].source.position("metadata.labels.a"),
        Some((4, 48))
    );
}

#[test]
fn compact_json_with_escapes_and_tabs_loads() {
    let src = "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"caf\\u00e9\",\n\t\"labels\":{\"a\\/b\":\"1\",\"n\":\"\"}}}";
    let loaded = Loader::new().load_str("compact.json", src);
    assert!(loaded.is_ok(), "{:#?}", loaded.errors);
    let meta = loaded.objects[0].object.metadata();
    assert_eq!(meta.name_str(), "café");
    assert_eq!(meta.label("a/b"), Some("1"));
    assert_eq!(meta.label("n"), Some(""));
}

#[test]
fn objects_serialised_to_json_load_back_equal() {
    let loaded = load(
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: n\n  labels: {a: b}\n  generation: 3\n",
    );
    let original = &loaded.objects[0].object;
    let json = serde_json::to_string_pretty(original).unwrap();
    let again = Loader::new().load_str("again.json", &json);
    assert!(again.is_ok(), "{:#?}", again.errors);
    assert_eq!(&again.objects[0].object, original);
}

#[test]
fn invalid_utf8_is_an_error_with_position_and_other_documents_load() {
    let mut bytes = NAMESPACE.as_bytes().to_vec();
    bytes.extend_from_slice(b"---\napiVersion: v1\nkind: Namespace\nmetadata: {name: \xff}\n");
    let loaded = Loader::new().load_bytes("bad.yaml", &bytes);
    assert_eq!(names(&loaded), ["ok"]);
    let e = only_error(&loaded);
    assert!(
        matches!(e.kind(), LoadErrorKind::InvalidUtf8 { offset } if bytes[*offset] == 0xff),
        "{e}"
    );
    assert_eq!(position(e), (8, 18));
}

#[test]
fn byte_order_mark_and_crlf_line_endings_are_accepted() {
    let src = format!("\u{feff}{}", NAMESPACE.replace('\n', "\r\n"));
    let src = format!(
        "{src}---\r\n{}",
        NAMESPACE.replace("ok", "two").replace('\n', "\r\n")
    );
    let loaded = load(&src);
    assert!(loaded.is_ok(), "{:#?}", loaded.errors);
    assert_eq!(names(&loaded), ["ok", "two"]);
    assert_eq!(loaded.objects[1].source.line(), 6);
}

#[test]
fn loader_and_results_can_cross_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Loader>();
    assert_send_sync::<Loaded>();
    assert_send_sync::<LoadError>();
    let loaded = load(NAMESPACE);
    let source = loaded.objects[0].source.clone();
    let position = std::thread::spawn(move || source.position("metadata.name"))
        .join()
        .unwrap();
    assert_eq!(position, Some((4, 3)));
}

#[test]
fn loaded_results_merge() {
    let mut a = load(NAMESPACE);
    let b = load("kind: Namespace\n");
    assert!(a.is_ok() && !b.is_ok());
    a.merge(b);
    assert_eq!(a.objects.len(), 1);
    assert_eq!(a.errors.len(), 1);
    assert!(!a.is_ok());
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gateway-types-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    dir
}

#[test]
fn load_paths_reads_directories_recursively_in_sorted_order() {
    let dir = temp_dir("paths");
    let ns = |name: &str| NAMESPACE.replace("name: ok", &format!("name: {name}"));
    std::fs::create_dir_all(dir.join("b/c")).unwrap();
    std::fs::write(dir.join("b/c/deep.yml"), ns("deep")).unwrap();
    std::fs::write(dir.join("b/one.json"), ns("one")).unwrap();
    std::fs::write(dir.join("a.yaml"), ns("a")).unwrap();
    std::fs::write(dir.join("notes.txt"), "not: yaml: at all").unwrap();
    std::fs::write(dir.join("z.yaml"), ns("z")).unwrap();
    let extra = dir.join("explicit.txt");
    std::fs::write(&extra, ns("explicit")).unwrap();

    let loaded = Loader::new().load_paths([dir.as_path(), extra.as_path()]);
    assert!(loaded.is_ok(), "{:#?}", loaded.errors);
    assert_eq!(names(&loaded), ["a", "deep", "one", "z", "explicit"]);
    let file = loaded.objects[1].source.file();
    assert!(Path::new(file).ends_with("b/c/deep.yml"), "{file}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn unreadable_path_is_an_io_error() {
    let missing = std::env::temp_dir().join("gateway-types-surely-missing/x.yaml");
    let loaded = Loader::new().load_path(&missing);
    let e = only_error(&loaded);
    assert!(matches!(e.kind(), LoadErrorKind::Io { .. }), "{e}");
    assert_eq!(e.line(), 0);
    assert!(
        e.to_string()
            .starts_with(&format!("{}: cannot read: ", missing.display()))
    );
    let loaded = Loader::new().load_paths([&missing]);
    assert!(matches!(
        only_error(&loaded).kind(),
        LoadErrorKind::Io { .. }
    ));
}

#[test]
fn load_path_checks_the_input_limit_before_reading() {
    let dir = temp_dir("limit");
    let file = dir.join("big.yaml");
    std::fs::write(&file, "#".repeat(1000)).unwrap();
    let mut limits = Limits::default();
    limits.max_input_bytes = 999;
    let loaded = Loader::new().limits(limits).load_path(&file);
    assert!(matches!(
        only_error(&loaded).kind(),
        LoadErrorKind::LimitExceeded {
            limit: Limit::InputBytes,
            value: 999
        }
    ));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The root of the workspace, where `../shared` is looked for.
fn shared_dir() -> Option<PathBuf> {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let shared = root.join("../shared");
    if shared.is_dir() {
        return Some(shared);
    }
    assert!(
        std::env::var("GATEWAY_REQUIRE_SHARED").as_deref() != Ok("1"),
        "../shared not found at {} and GATEWAY_REQUIRE_SHARED=1",
        shared.display()
    );
    println!("skipped: ../shared not found");
    None
}

#[test]
fn every_shared_example_loads_without_panicking() {
    let Some(shared) = shared_dir() else {
        return;
    };
    let dirs = [
        shared.join("gateway-api/examples"),
        shared.join("real-world"),
    ];
    let loaded = Loader::new().load_paths(&dirs);
    let files: std::collections::BTreeSet<_> = loaded
        .objects
        .iter()
        .map(|o| o.source.file().to_owned())
        .collect();
    println!(
        "{} objects from {} files, {} errors, {} warnings, {} skipped",
        loaded.objects.len(),
        files.len(),
        loaded.errors.len(),
        loaded.warnings.len(),
        loaded.skipped.len()
    );
    assert!(files.len() > 100, "only {} files had objects", files.len());
    // No syntax errors: every example is valid YAML.
    let syntax: Vec<_> = loaded
        .errors
        .iter()
        .filter(|e| {
            matches!(
                e.kind(),
                LoadErrorKind::Syntax { .. } | LoadErrorKind::Io { .. }
            )
        })
        .collect();
    assert!(syntax.is_empty(), "{syntax:#?}");
    // Every position the loader reports can be found again.
    for o in &loaded.objects {
        assert_eq!(
            o.source.position(""),
            Some((o.source.line(), o.source.column()))
        );
        assert!(o.source.position("metadata").is_some() || o.source.position("kind").is_some());
    }
}

/// Pieces that make random inputs look like YAML more often than random bytes do.
fn yamlish() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "apiVersion: v1\n",
        "kind: Namespace\n",
        "kind: List\n",
        "items:\n",
        "- ",
        "---\n",
        "...\n",
        "metadata:\n",
        "  name: x\n",
        "spec: ",
        ": ",
        "\n",
        "  ",
        "\t",
        "[",
        "]",
        "{",
        "}",
        ",",
        "&a ",
        "*a",
        "!!str ",
        "! ",
        "\"",
        "'",
        "# c\n",
        "? ",
        "|\n",
        ">-\n",
        "a",
        "1",
        "~",
        "\u{feff}",
        "%YAML 1.2\n",
        "\\",
        "é",
        "\r\n",
        "-1e9",
        "0x",
        ".inf",
    ]);
    prop::collection::vec(pieces, 0..48).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let loaded = Loader::new().load_bytes("fuzz", &bytes);
        for o in &loaded.objects {
            let _ = o.source.position("metadata.name");
        }
    }

    #[test]
    fn random_yamlish_text_never_panics(src in yamlish()) {
        let loaded = Loader::new().load_str("fuzz", &src);
        for o in &loaded.objects {
            let _ = o.source.position("metadata.name");
            let _ = o.source.position("items[0].a");
        }
        for e in loaded.errors.iter().chain(&loaded.warnings) {
            let _ = e.to_string();
        }
    }
}
