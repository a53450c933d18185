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
    /// Colour when standard output is a terminal.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

impl ColorChoice {
    fn enabled(self) -> bool {
        match self {
            Self::Auto => std::io::stdout().is_terminal(),
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
    /// Run route test files (format v1.1): status and requests, steps included.
    #[command(after_help = "Examples:\n  \
        gwcheck test examples/store-tests.yaml --verbose\n  \
        gwcheck test ../shared/conformance/upstream/ --skips conformance-skips.txt\n  \
        gwcheck test tests/ --filter httproute -q\n\n\
        A folder gives the .yaml files directly in it, in name order. Exit status: 0 when \
        every file passed, 1 when one failed, 2 on a usage or I/O error.")]
    Test(TestArgs),
}

#[derive(Debug, Args)]
struct TestArgs {
    /// Test files, or folders of them.
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
        Command::Test(args) => test(&args, color),
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
