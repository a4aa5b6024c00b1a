//! The `host` command line: `new`, `run`, `check` and `serve`.

mod scaffold;

use crate::model::delta::Delta;
use crate::model::protocol::ServerMessage;
use crate::model::widget::WidgetInputs;
use crate::runtime::engine::{default_cache_dir, EngineSettings, PageEngine};
use crate::runtime::limits::Limits;
use crate::runtime::page::Page;
use crate::runtime::run::RunStatus;
use crate::runtime::runner::Runner;
use crate::runtime::services::session_state::SessionState;
use crate::session::local::{LocalSession, OnePage, Seen};
use crate::session::model::{Session, SessionLimits};
use anyhow::{bail, Context as _};
use clap::{Args, Parser, Subcommand};
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::Arc;

/// Runs and serves wasmlit pages: data apps written in Rust and compiled to
/// WebAssembly components.
#[derive(Debug, Parser)]
#[command(name = "host", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    #[command(flatten)]
    pub engine: EngineArgs,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a page once, headless: print each delta as a JSON line, then a status line.
    Run(RunArgs),
    /// Check that a page satisfies the contract and list what it imports.
    Check {
        /// A compiled `.wasm` component or a page crate directory.
        page: PathBuf,
    },
    /// Serve a directory of pages to browsers.
    Serve(Box<crate::web::server::ServeArgs>),
    /// Serve the example pages this binary carries (built on first use).
    Hello {
        /// TCP port to listen on.
        #[arg(long, default_value_t = 8501)]
        port: u16,
    },
    /// Create a page crate in the current directory (or an app root with `--app`).
    New {
        /// The crate's (and page's) name: lower-case letters, digits, `_` and `-`.
        name: String,
        /// Create an app root (`app.toml` and `pages/` with a first page) instead.
        #[arg(long)]
        app: bool,
    },
}

/// Arguments of `host run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// A compiled `.wasm` component or a page crate directory.
    pub page: PathBuf,
    /// A widget value for this run, as `ID=JSON` (ids are printed in each widget's delta).
    #[arg(long = "widget", value_name = "ID=JSON")]
    pub widgets: Vec<String>,
    /// Initial session state, as a JSON object.
    #[arg(long, value_name = "JSON")]
    pub state: Option<String>,
    /// The page URL's query string, e.g. `region=eu&year=2026`.
    #[arg(long, value_name = "QUERY", default_value = "")]
    pub query: String,
    /// A host the page may send HTTP requests to (`scheme://host[:port]`);
    /// repeat for more. None by default.
    #[arg(long = "allow-outbound-host", value_name = "URL")]
    pub allow_outbound_hosts: Vec<String>,
}

/// Engine settings shared by every subcommand.
#[derive(Debug, Args)]
pub struct EngineArgs {
    /// Memory one page instance may use, in MiB.
    #[arg(long, global = true, default_value_t = 64, env = "WASMLIT_MEMORY_MIB")]
    pub memory_mib: u64,
    /// CPU time one run may use, in seconds.
    #[arg(
        long,
        global = true,
        default_value_t = 30.0,
        env = "WASMLIT_CPU_SECONDS"
    )]
    pub cpu_seconds: f64,
    /// Wall time one run may take, sleeping included, in seconds.
    #[arg(
        long,
        global = true,
        default_value_t = 300.0,
        env = "WASMLIT_WALL_SECONDS"
    )]
    pub wall_seconds: f64,
    /// Where compiled pages are cached (default: ~/.cache/wasmlit).
    #[arg(long, global = true, env = "WASMLIT_CACHE_DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Do not cache compiled pages on disk.
    #[arg(long, global = true)]
    pub no_cache: bool,
}

impl EngineArgs {
    /// The engine settings these flags describe.
    pub fn settings(&self) -> anyhow::Result<EngineSettings> {
        if self.memory_mib == 0 || self.memory_mib > 4096 {
            bail!(
                "--memory-mib must be between 1 and 4096, got {}",
                self.memory_mib
            );
        }
        let cpu_time = std::time::Duration::try_from_secs_f64(self.cpu_seconds)
            .ok()
            .filter(|d| !d.is_zero())
            .with_context(|| {
                format!(
                    "--cpu-seconds must be a positive number, got {}",
                    self.cpu_seconds
                )
            })?;
        let wall_time = std::time::Duration::try_from_secs_f64(self.wall_seconds)
            .ok()
            .filter(|d| !d.is_zero())
            .with_context(|| {
                format!(
                    "--wall-seconds must be a positive number, got {}",
                    self.wall_seconds
                )
            })?;
        Ok(EngineSettings {
            limits: Limits {
                memory_bytes: self.memory_mib << 20,
                cpu_time,
                wall_time,
                ..Limits::default()
            },
            cache_dir: if self.no_cache {
                None
            } else {
                self.cache_dir.clone().or_else(default_cache_dir)
            },
            ..EngineSettings::default()
        })
    }
}

/// Runs the parsed command line; returns the process exit code.
pub fn main(cli: Cli) -> anyhow::Result<i32> {
    match cli.command {
        Command::Run(args) => run(&cli.engine, args),
        Command::Check { page } => check(&cli.engine, page),
        Command::Serve(args) => crate::web::server::serve(cli.engine.settings()?, *args),
        Command::New { name, app } => new(&cli.engine, &name, app),
        Command::Hello { port } => hello(&cli.engine, port),
    }
}

/// The SDK and example pages this binary carries, written out once.
fn sdk(engine_args: &EngineArgs) -> anyhow::Result<PathBuf> {
    let cache = engine_args
        .cache_dir
        .clone()
        .or_else(default_cache_dir)
        .context("no cache directory: set --cache-dir or WASMLIT_CACHE_DIR (or HOME)")?;
    scaffold::unpack_sdk(&cache)
}

fn hello(engine_args: &EngineArgs, port: u16) -> anyhow::Result<i32> {
    /// `host serve`'s flags, to serve the example pages with its defaults.
    #[derive(Parser)]
    struct Serve {
        #[command(flatten)]
        args: crate::web::server::ServeArgs,
    }
    let pages = sdk(engine_args)?.join("pages");
    eprintln!(
        "Serving the example pages in {} (built on first use: a minute or two).",
        pages.display()
    );
    let port = port.to_string();
    let serve = Serve::try_parse_from([
        "hello".as_ref(),
        pages.as_os_str(),
        "--port".as_ref(),
        port.as_ref(),
    ])?;
    crate::web::server::serve(engine_args.settings()?, serve.args)
}

fn new(engine_args: &EngineArgs, name: &str, app: bool) -> anyhow::Result<i32> {
    let sdk = sdk(engine_args)?;
    let here = std::env::current_dir().context("reading the current directory")?;
    let dir = if app {
        scaffold::new_app(&here, name, &sdk)?
    } else {
        scaffold::new_page(&here, name, &sdk)?
    };
    let shown = dir
        .strip_prefix(&here)
        .unwrap_or(&dir)
        .display()
        .to_string();
    println!(
        "Created {shown}, a page crate on the SDK in {}.",
        sdk.display()
    );
    if app {
        println!("Serve it as an app with its first page:\n\n    host serve {shown}/pages\n");
    } else {
        println!(
            "Next:\n\n    cd {shown}\n    host serve .      # then open http://127.0.0.1:8501/\n    \
             cargo test        # its AppTest test\n"
        );
    }
    Ok(0)
}

fn parse_widgets(pairs: &[String]) -> anyhow::Result<WidgetInputs> {
    let mut inputs = WidgetInputs::new();
    for pair in pairs {
        let (id, json) = pair
            .split_once('=')
            .with_context(|| format!("--widget {pair}: expected ID=JSON"))?;
        let value = serde_json::from_str(json).with_context(|| {
            format!("--widget {id}: the value is not JSON (strings need quotes: '\"text\"')")
        })?;
        inputs.insert(id.into(), value);
    }
    Ok(inputs)
}

fn run(engine_args: &EngineArgs, args: RunArgs) -> anyhow::Result<i32> {
    let inputs = parse_widgets(&args.widgets)?;
    let state = match &args.state {
        None => SessionState::default(),
        Some(json) => match serde_json::from_str(json).context("--state is not JSON")? {
            serde_json::Value::Object(map) => SessionState::from_json_object(map),
            _ => bail!("--state must be a JSON object"),
        },
    };
    let state = Arc::new(parking_lot::Mutex::new(state));
    let engine = PageEngine::new(engine_args.settings()?)?
        .with_outbound_hosts(&args.allow_outbound_hosts)?;
    let page = Arc::new(Page::load(&engine, &args.page)?);
    let runner = Arc::new(Runner::new(engine.clone(), 1)?);
    let mut session = Session::new(state.clone(), SessionLimits::from(engine.limits()));
    session.preset(inputs);
    let name = "page".to_owned();
    let pages = OnePage {
        name: name.clone(),
        page,
    };
    let mut local = LocalSession::new(session, pages, runner, "cli", None);
    local
        .session
        .rerun(&local.pages, name, serde_json::Map::new(), &args.query);
    let mut finished = None;
    let mut last = None;
    local.settle(&mut |seen| match seen {
        Seen::Message(ServerMessage::Delta { path, element, .. }) => {
            let mut out = std::io::stdout().lock();
            let _ = serde_json::to_writer(&mut out, &Delta { path, element });
            let _ = out.write_all(b"\n");
        }
        Seen::Message(ServerMessage::RunFinished {
            status, message, ..
        }) => finished = Some((status, message)),
        Seen::Message(_) => {}
        Seen::Report(report) => {
            if !report.stdout.is_empty() {
                eprint!("{}", report.stdout);
            }
            last = Some((
                report.elements,
                report
                    .rejected
                    .iter()
                    .map(|r| r.message.clone())
                    .collect::<Vec<_>>(),
                report.wall_time,
                report.cpu_time,
                report.memory_bytes,
            ));
        }
    });
    let (Some((status, message)), Some((elements, rejected, wall, cpu, memory))) = (finished, last)
    else {
        bail!("the page did not run");
    };
    let line = serde_json::json!({
        "status": status,
        "message": message,
        "elements": elements,
        "rejected": rejected,
        "session_state": state.lock().to_json(),
        "wall_ms": wall.as_secs_f64() * 1e3,
        "cpu_ms": cpu.as_secs_f64() * 1e3,
        "memory_mib": memory as f64 / f64::from(1u32 << 20),
    });
    println!("{line}");
    let failed = status == RunStatus::Error || !rejected.is_empty();
    Ok(if failed { 1 } else { 0 })
}

fn check(engine_args: &EngineArgs, path: PathBuf) -> anyhow::Result<i32> {
    let engine = PageEngine::new(engine_args.settings()?)?;
    let page = Page::load(&engine, &path)?;
    println!(
        "{}: ok, satisfies wasmlit:page@{}",
        page.wasm_path.display(),
        crate::runtime::page::CONTRACT_VERSION
    );
    println!("imports:");
    for import in &page.imports {
        println!("  {import}");
    }
    Ok(0)
}
