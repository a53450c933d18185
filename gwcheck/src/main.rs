//! `gwcheck`: lint Gateway API manifests, show computed status, explain routing
//! and run route test files.
//!
//! The modules live in the library crate (`src/lib.rs`); this binary parses
//! the command line and prints.

use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use gateway_validate::Channel;
use gwcheck::runner::{self, RenderOptions, RunConfig, Selection, SkipList, Verbosity};

/// Exit status: everything passed / nothing rejected.
const EXIT_OK: u8 = 0;
/// Exit status: a test failed, an object would be rejected.
const EXIT_FAILED: u8 = 1;
/// Exit status: a usage or I/O error.
const EXIT_USAGE: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "gwcheck",
    version,
    about = "Check Kubernetes Gateway API manifests without a cluster",
    long_about = "Check Kubernetes Gateway API manifests without a cluster: what the API \
                  server would reject, the status a conformant controller would write, where \
                  a request goes, and route test files in CI.",
    after_help = "Examples:\n  gwcheck lint manifests/\n  gwcheck test examples/store-tests.yaml --verbose"
)]
struct Cli {
    /// When to colour the output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    color: ColorChoice,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    /// Colour when standard output is a terminal (and NO_COLOR is not set).
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

impl ColorChoice {
    fn enabled(self) -> bool {
        match self {
            // https://no-color.org: a non-empty NO_COLOR turns colour off.
            Self::Auto => {
                std::io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
            Self::Always => true,
            Self::Never => false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ChannelArg {
    /// The standard channel.
    Standard,
    /// The experimental channel (more fields and versions).
    Experimental,
}

impl From<ChannelArg> for Channel {
    fn from(value: ChannelArg) -> Self {
        match value {
            ChannelArg::Standard => Self::Standard,
            ChannelArg::Experimental => Self::Experimental,
        }
    }
}

/// Who the tool acts as, shared by the commands that compute status.
#[derive(Debug, Args)]
struct ControllerArgs {
    /// Act only for GatewayClasses of this controller; it also replaces
    /// {GATEWAY_CONTROLLER_NAME} in test manifests.
    #[arg(long, value_name = "NAME")]
    controller_name: Option<String>,
    /// The GatewayClass the tool acts as: it replaces {GATEWAY_CLASS_NAME} and
    /// counts as present and accepted.
    #[arg(long, value_name = "NAME", default_value = gwcheck::testfile::DEFAULT_GATEWAY_CLASS_NAME)]
    gateway_class: String,
    /// The release channel objects are checked against.
    #[arg(long, value_enum, default_value_t = ChannelArg::Standard)]
    channel: ChannelArg,
}

impl ControllerArgs {
    fn run_config(&self) -> RunConfig {
        let mut config = RunConfig::new()
            .gateway_class(self.gateway_class.clone())
            .channel(self.channel.into());
        if let Some(name) = &self.controller_name {
            config = config.controller_name(name.clone());
        }
        config
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// The admission pass: what the API server would reject, one line per finding.
    #[command(after_help = "Examples:\n  \
        gwcheck lint examples/manifests/\n  \
        kubectl get httproutes -A -o yaml | gwcheck lint -\n\n\
        Each finding is `file:line:col: Kind ns/name: field.path: message [rule-id]`. Exit \
        status: 0 when no object would be rejected, 1 when one would, 2 on a usage or I/O error.")]
    Lint(LintArgs),
    /// Lint, plus the status a controller would write, problems first.
    #[command(after_help = "Examples:\n  \
        gwcheck status examples/manifests/store.yaml\n  \
        gwcheck status manifests/ -o yaml --controller-name example.com/gateway-controller\n  \
        gwcheck status manifests/ --strict\n\n\
        Exit status: 1 when an object would be rejected, or with --strict when a route parent \
        or a listener is not fully accepted; 2 on a usage or I/O error.")]
    Status(StatusArgs),
    /// Where a request goes and why: listener, candidate rules, filters, backends.
    #[command(after_help = "Examples:\n  \
        gwcheck route examples/manifests/ --gateway infra/edge 'GET http://shop.store.example.com/cart'\n  \
        gwcheck route m.yaml --gateway infra/edge 'https://api.example.com/v1?x=1' -H 'x-canary: yes'\n  \
        gwcheck route m.yaml --gateway infra/edge tls://db.example.com:443 -o json\n\n\
        The request is `[METHOD] URL`, `grpc://HOST[:PORT]/SERVICE/METHOD` (`--sni` for TLS), \
        `tls://SNI:PORT`, `tcp://:PORT` or `udp://:PORT`.")]
    Route(RouteArgs),
    /// Run route test files (format v1.1): status and requests, steps included.
    #[command(after_help = "Examples:\n  \
        gwcheck test examples/store-tests.yaml --verbose\n  \
        gwcheck test ../shared/conformance/upstream/ --skips conformance-skips.txt\n  \
        gwcheck test tests/ --filter httproute -q\n\n\
        A folder gives the .yaml files directly in it, in name order. Exit status: 0 when \
        every file passed, 1 when one failed, 2 on a usage or I/O error.")]
    Test(TestArgs),
    /// The JSON Schema of a kind.
    #[command(after_help = "Examples:\n  \
        gwcheck schema HTTPRoute\n  \
        gwcheck schema gateways --version v1beta1")]
    Schema(SchemaArgs),
}

/// The output format of `status` and `route`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Output {
    /// Text for a terminal.
    Text,
    /// JSON.
    Json,
    /// YAML.
    Yaml,
}

/// Options of the commands that read manifests.
#[derive(Debug, Args)]
struct ManifestArgs {
    /// Act only for GatewayClasses of this controller; it also replaces
    /// {GATEWAY_CONTROLLER_NAME} in the manifests.
    #[arg(long, value_name = "NAME")]
    controller_name: Option<String>,
    /// Treat this GatewayClass as present and accepted even without an
    /// object; it also replaces {GATEWAY_CLASS_NAME} in the manifests.
    #[arg(long, value_name = "NAME")]
    gateway_class: Option<String>,
    /// The release channel objects are checked against.
    #[arg(long, value_enum, default_value_t = ChannelArg::Standard)]
    channel: ChannelArg,
}

impl ManifestArgs {
    fn options(&self) -> gateway_validate::Options {
        let mut options = gateway_validate::Options::new().channel(self.channel.into());
        if let Some(name) = &self.controller_name {
            options = options.controller_name(name.clone());
        }
        if let Some(class) = &self.gateway_class {
            options = options.gateway_class(class.clone());
        }
        options
    }
}

#[derive(Debug, Args)]
struct LintArgs {
    /// Manifest files or folders; `-` reads standard input.
    #[arg(required = true, value_name = "FILE|DIR")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    manifests: ManifestArgs,
}

#[derive(Debug, Args)]
struct StatusArgs {
    /// Manifest files or folders; `-` reads standard input.
    #[arg(required = true, value_name = "FILE|DIR")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    manifests: ManifestArgs,
    /// Text, or the objects with .status filled in (JSON or YAML).
    #[arg(short, long, value_enum, default_value_t = Output::Text)]
    output: Output,
    /// Exit 1 when a route parent or a listener is not fully accepted.
    #[arg(long)]
    strict: bool,
}

#[derive(Debug, Args)]
struct RouteArgs {
    /// Manifest files or folders (`-` reads standard input), then the request.
    #[arg(required = true, value_name = "FILE|DIR... REQUEST")]
    args: Vec<String>,
    /// The Gateway the request is sent to, namespace/name.
    #[arg(long, value_name = "NS/NAME")]
    gateway: String,
    /// A request header, `name: value` (repeat for more).
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    headers: Vec<String>,
    /// The Host header, when it differs from the URL's.
    #[arg(long)]
    host: Option<String>,
    /// The TLS server name, when it differs from the host (https).
    #[arg(long)]
    sni: Option<String>,
    #[command(flatten)]
    manifests: ManifestArgs,
    /// Text or JSON (YAML too).
    #[arg(short, long, value_enum, default_value_t = Output::Text)]
    output: Output,
}

#[derive(Debug, Args)]
struct SchemaArgs {
    /// The kind (`HTTPRoute`), without regard to case, or its plural (`httproutes`).
    kind: String,
    /// A served version of the kind (the schema is the same for every version).
    #[arg(long)]
    version: Option<String>,
}

#[derive(Debug, Args)]
struct TestArgs {
    /// Test files, or folders of them; `-` reads one from standard input
    /// (its manifests relative to the current folder).
    #[arg(required = true, value_name = "FILE|DIR")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    controller: ControllerArgs,
    /// Run only files whose path contains this text.
    #[arg(long, value_name = "SUBSTR")]
    filter: Option<String>,
    /// A skip list (`FILE: REASON` per line): those files are reported, not run.
    #[arg(long, value_name = "FILE")]
    skips: Option<PathBuf>,
    /// List the route rules no request reached.
    #[arg(long)]
    coverage: bool,
    /// Print every expectation, passed ones too.
    #[arg(short, long, conflicts_with = "quiet")]
    verbose: bool,
    /// Print only failing files and the counts.
    #[arg(short, long)]
    quiet: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = cli.color.enabled();
    let code = match cli.command {
        Command::Lint(args) => lint(&args),
        Command::Status(args) => status(&args, color),
        Command::Route(args) => route(&args),
        Command::Test(args) => test(&args, color),
        Command::Schema(args) => schema(&args),
    };
    ExitCode::from(code)
}

fn test(args: &TestArgs, color: bool) -> u8 {
    let skips = match &args.skips {
        Some(path) => match SkipList::read(path) {
            Ok(list) => list,
            Err(err) => {
                eprintln!("gwcheck: {err}");
                return EXIT_USAGE;
            }
        },
        None => SkipList::new(),
    };
    let files = match runner::collect_files(&args.paths) {
        Ok(files) => files,
        Err(err) => {
            eprintln!("gwcheck: {err}");
            return EXIT_USAGE;
        }
    };
    let selection = Selection {
        filter: args.filter.clone(),
        skips,
    };
    let options = RenderOptions {
        color,
        verbosity: if args.verbose {
            Verbosity::Verbose
        } else if args.quiet {
            Verbosity::Quiet
        } else {
            Verbosity::Normal
        },
        coverage: args.coverage,
    };
    let config = args.controller.run_config();
    let mut stdout = std::io::stdout().lock();
    let summary = runner::run_files(&files, &config, &selection, |report| {
        let _ = stdout.write_all(runner::render_file(report, &options).as_bytes());
        let _ = stdout.flush();
    });
    let _ = stdout.write_all(runner::render_summary(&summary, &options).as_bytes());
    if summary.files.is_empty() && summary.skipped.is_empty() {
        eprintln!("gwcheck: no test file selected");
        return EXIT_USAGE;
    }
    if summary.failed() > 0 {
        EXIT_FAILED
    } else {
        EXIT_OK
    }
}

/// Prints a value as JSON or YAML.
fn print_structured(value: &serde_json::Value, output: Output) -> u8 {
    let text = match output {
        Output::Yaml => serde_saphyr::to_string(value).map_err(|e| e.to_string()),
        _ => serde_json::to_string_pretty(value)
            .map(|mut s| {
                s.push('\n');
                s
            })
            .map_err(|e| e.to_string()),
    };
    match text {
        Ok(text) => {
            print!("{text}");
            EXIT_OK
        }
        Err(err) => {
            eprintln!("gwcheck: cannot print the output: {err}");
            EXIT_USAGE
        }
    }
}

/// Where the lint pass prints its lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Print {
    /// On standard output, the report itself.
    Stdout,
    /// On standard error, beside output of another kind.
    Stderr,
    /// Only what would be rejected, on standard error.
    ErrorsToStderr,
}

/// What the lint pass leaves for the commands after it.
struct Linted {
    snapshot: gateway_validate::Snapshot,
    report: gateway_validate::Report,
    /// 1 when something would be rejected.
    code: u8,
    /// Lines printed on standard output.
    printed: usize,
}

/// Loads and validates, printing every load problem and finding; the exit
/// status so far is 1 when something would be rejected.
fn lint_pass(paths: &[PathBuf], args: &ManifestArgs, print: Print) -> Result<Linted, u8> {
    let (loaded, snapshot, report) =
        match gwcheck::manifests::load_and_validate(paths, &args.options()) {
            Ok(done) => done,
            Err(err) => {
                eprintln!("gwcheck: {err}");
                return Err(EXIT_USAGE);
            }
        };
    let mut lines: Vec<String> = Vec::new();
    lines.extend(loaded.errors.iter().map(gwcheck::manifests::load_line));
    lines.extend(loaded.warnings.iter().map(gwcheck::manifests::load_line));
    lines.extend(
        report
            .findings()
            .iter()
            .map(|f| gwcheck::manifests::finding_line(f, &snapshot)),
    );
    let printed = match print {
        Print::Stdout => {
            let out = &mut std::io::stdout().lock();
            for line in &lines {
                let _ = writeln!(out, "{line}");
            }
            lines.len()
        }
        Print::Stderr => {
            for line in &lines {
                eprintln!("{line}");
            }
            0
        }
        Print::ErrorsToStderr => {
            for error in &loaded.errors {
                eprintln!("{}", gwcheck::manifests::load_line(error));
            }
            for finding in report.findings().iter().filter(|f| f.is_error()) {
                eprintln!("{}", gwcheck::manifests::finding_line(finding, &snapshot));
            }
            0
        }
    };
    let rejected = !loaded.errors.is_empty() || !report.rejected().is_empty();
    Ok(Linted {
        snapshot,
        report,
        code: if rejected { EXIT_FAILED } else { EXIT_OK },
        printed,
    })
}

fn lint(args: &LintArgs) -> u8 {
    match lint_pass(&args.paths, &args.manifests, Print::Stdout) {
        Ok(Linted {
            snapshot,
            report,
            code,
            ..
        }) => {
            let errors = report.findings().iter().filter(|f| f.is_error()).count();
            eprintln!(
                "{} objects, {} rejected, {} findings ({errors} errors)",
                snapshot.len(),
                report.rejected().len(),
                report.findings().len()
            );
            code
        }
        Err(code) => code,
    }
}

fn status(args: &StatusArgs, color: bool) -> u8 {
    let structured = args.output != Output::Text;
    let Linted {
        snapshot,
        report,
        mut code,
        printed,
    } = match lint_pass(
        &args.paths,
        &args.manifests,
        if structured {
            Print::Stderr
        } else {
            Print::Stdout
        },
    ) {
        Ok(done) => done,
        Err(code) => return code,
    };
    let described = gwcheck::describe::describe_all(&snapshot, &report);
    if args.strict && described.iter().any(|d| d.not_fully_accepted) {
        code = EXIT_FAILED;
    }
    if structured {
        let value = gwcheck::describe::objects_with_status(&snapshot, &report);
        let printed = print_structured(&value, args.output);
        return if printed == EXIT_OK { code } else { printed };
    }
    let out = &mut std::io::stdout().lock();
    if printed > 0 {
        let _ = writeln!(out);
    }
    for (i, d) in described.iter().enumerate() {
        if i > 0 {
            let _ = writeln!(out);
        }
        let title = if !color {
            d.title.clone()
        } else if d.problem {
            format!("\x1b[1;31m{}\x1b[0m", d.title)
        } else {
            format!("\x1b[1m{}\x1b[0m", d.title)
        };
        let flag = if d.problem { "  (problem)" } else { "" };
        let _ = writeln!(out, "{title}{flag}");
        for line in &d.lines {
            let _ = writeln!(out, "{line}");
        }
    }
    code
}

fn route(args: &RouteArgs) -> u8 {
    let (Some((line, paths)), true) = (args.args.split_last(), args.args.len() >= 2) else {
        eprintln!("gwcheck: give manifests, then the request (e.g. 'GET http://example.com/')");
        return EXIT_USAGE;
    };
    let gateway: gwcheck::testfile::NamespacedName = match args.gateway.parse() {
        Ok(gateway) => gateway,
        Err(err) => {
            eprintln!("gwcheck: --gateway {}: {err}", args.gateway);
            return EXIT_USAGE;
        }
    };
    let request = match gwcheck::explain::parse_request(
        line,
        &args.headers,
        args.host.as_deref(),
        args.sni.as_deref(),
    ) {
        Ok(request) => request,
        Err(err) => {
            eprintln!("gwcheck: {err}");
            return EXIT_USAGE;
        }
    };
    let paths: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
    let Linted { report, code, .. } =
        match lint_pass(&paths, &args.manifests, Print::ErrorsToStderr) {
            Ok(done) => done,
            Err(code) => return code,
        };
    if report
        .gateway_status(&gateway.namespace, &gateway.name)
        .is_none()
        && report.routing(&gateway.namespace, &gateway.name).is_none()
    {
        eprintln!("gwcheck: no Gateway {gateway} handled by this controller in the manifests");
        return EXIT_USAGE;
    }
    if code != EXIT_OK {
        eprintln!("gwcheck: the objects rejected above take no part in routing");
    }
    let explanation = gwcheck::explain::explain(&report, &gateway, &request);
    if args.output == Output::Text {
        print!("{}", explanation.to_text());
        EXIT_OK
    } else {
        match serde_json::to_value(&explanation) {
            Ok(value) => print_structured(&value, args.output),
            Err(err) => {
                eprintln!("gwcheck: {err}");
                EXIT_USAGE
            }
        }
    }
}

fn schema(args: &SchemaArgs) -> u8 {
    match gwcheck::schema::schema(&args.kind, args.version.as_deref()) {
        Ok(value) => print_structured(&value, Output::Json),
        Err(err) => {
            eprintln!("gwcheck: {err}");
            EXIT_USAGE
        }
    }
}
