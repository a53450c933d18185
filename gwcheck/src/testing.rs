//! A helper for your own test suites: load manifests, validate them, build
//! the router of one Gateway and assert where requests go, in a few lines.
//!
//! It lives in `gwcheck` (which depends on `gateway-types`,
//! `gateway-validate` and `gateway-match`) because `gateway-match` must not
//! depend on validation. Add `gwcheck` as a dev-dependency to use it.
//!
//! Loading is strict: a document that does not parse, or an object the API
//! server would reject (an admission error), fails
//! [`Harness::load`] with every problem listed, so a test never passes on
//! manifests a cluster would refuse. Warnings are kept in
//! [`Harness::warnings`].
//!
//! The assertions panic with a message naming the request, the Gateway and
//! what the router decided (the action, the winning route and rule): in a
//! test, a panic is the failure report.
//!
//! # Examples
//!
//! ```
//! use gwcheck::testing::Harness;
//!
//! let store = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/manifests/store.yaml");
//! let gw = Harness::load(store)?.gateway("infra/edge")?;
//! gw.get("http://shop.store.example.com/cart").assert_backend("store/cart");
//! gw.get("https://api.store.example.com/v1/orders")
//!     .assert_backend("store/api")
//!     .assert_upstream_path("/orders")
//!     .assert_upstream_header("x-api-version", "1");
//! gw.get("http://old-shop.example.com/a")
//!     .assert_redirect(301, "https://shop.store.example.com/a");
//! gw.get("http://unknown.example.com/").assert_status(404);
//! gw.get("http://shop.store.example.com/")
//!     .assert_split(&[("store/web-v1", 90), ("store/web-v2", 10)]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::path::{Path, PathBuf};

use gateway_match::{Action, Decision, Input, Router, Scheme};
use gateway_types::load::{Loaded, Loader};
use gateway_types::routing::ResolvedBackend;
use gateway_validate::{Report, Severity, Snapshot};
use http::{HeaderMap, HeaderName, HeaderValue, Method, Uri};

use crate::manifests::finding_line;

/// Why a [`Harness`] or a [`TestGateway`] could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HarnessError {
    /// Documents did not load (unreadable file, YAML syntax, wrong field
    /// types): one problem per line.
    #[error("manifests did not load:\n{0}")]
    Load(String),
    /// Objects fail admission: one finding per line.
    #[error("manifests have admission errors:\n{0}")]
    Admission(String),
    /// The Gateway is not in the manifests, or no GatewayClass accepted it.
    #[error("no routing for Gateway {0} (is it in the manifests, with an accepted GatewayClass?)")]
    UnknownGateway(String),
    /// The Gateway name is not `namespace/name`.
    #[error("Gateway name {0:?} is not namespace/name")]
    BadGatewayName(String),
    /// The router did not build: one problem per line.
    #[error("the router of Gateway {gateway} did not build:\n{errors}")]
    Build {
        /// The Gateway.
        gateway: String,
        /// The build errors.
        errors: String,
    },
}

/// Manifests, loaded and validated.
#[derive(Debug)]
pub struct Harness {
    snapshot: Snapshot,
    report: Report,
}

impl Harness {
    /// Loads one file or folder (every `*.yaml`, `*.yml`, `*.json` below
    /// it). A relative path is relative to the current directory, which for
    /// `cargo test` is the package's directory.
    ///
    /// # Errors
    ///
    /// [`HarnessError::Load`] when a document does not load,
    /// [`HarnessError::Admission`] when an object fails admission.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, HarnessError> {
        Self::load_paths([path.as_ref().to_path_buf()])
    }

    /// Loads several files or folders, as one set of manifests.
    ///
    /// # Errors
    ///
    /// As [`load`](Self::load).
    pub fn load_paths<I, P>(paths: I) -> Result<Self, HarnessError>
    where
        I: IntoIterator<Item = P>,
        P: Into<PathBuf>,
    {
        let paths: Vec<PathBuf> = paths.into_iter().map(Into::into).collect();
        Self::from_loaded(Loader::new().load_paths(&paths))
    }

    /// Loads manifests from YAML text (several documents separated by `---`).
    ///
    /// # Errors
    ///
    /// As [`load`](Self::load).
    pub fn from_yaml(yaml: &str) -> Result<Self, HarnessError> {
        Self::from_loaded(Loader::new().load_str("<yaml>", yaml))
    }

    fn from_loaded(loaded: Loaded) -> Result<Self, HarnessError> {
        if !loaded.errors.is_empty() {
            let lines: Vec<String> = loaded.errors.iter().map(ToString::to_string).collect();
            return Err(HarnessError::Load(lines.join("\n")));
        }
        let snapshot = Snapshot::from_loaded(&loaded);
        let report = gateway_validate::validate(&snapshot, &gateway_validate::Options::new());
        let errors: Vec<String> = report
            .findings()
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| finding_line(f, &snapshot))
            .collect();
        if !errors.is_empty() {
            return Err(HarnessError::Admission(errors.join("\n")));
        }
        Ok(Self { snapshot, report })
    }

    /// The validation report (statuses, routing views, findings).
    pub fn report(&self) -> &Report {
        &self.report
    }

    /// The warnings of validation, one line each.
    #[must_use]
    pub fn warnings(&self) -> Vec<String> {
        self.report
            .findings()
            .iter()
            .filter(|f| f.severity == Severity::Warning)
            .map(|f| finding_line(f, &self.snapshot))
            .collect()
    }

    /// The router of the Gateway `namespace/name`.
    ///
    /// # Errors
    ///
    /// When the name is malformed, the Gateway has no routing view, or its
    /// router does not build.
    pub fn gateway(&self, gateway: &str) -> Result<TestGateway, HarnessError> {
        let (namespace, name) = gateway
            .split_once('/')
            .ok_or_else(|| HarnessError::BadGatewayName(gateway.to_owned()))?;
        let routing = self
            .report
            .routing(namespace, name)
            .ok_or_else(|| HarnessError::UnknownGateway(gateway.to_owned()))?;
        let router = Router::builder()
            .add_gateway(routing)
            .build()
            .map_err(|errors| HarnessError::Build {
                gateway: gateway.to_owned(),
                errors: errors
                    .iter()
                    .map(|e| format!("{e:?}"))
                    .collect::<Vec<_>>()
                    .join("\n"),
            })?;
        Ok(TestGateway {
            name: gateway.to_owned(),
            router,
        })
    }
}

/// The compiled router of one Gateway, to send test requests to.
#[derive(Debug)]
pub struct TestGateway {
    name: String,
    router: Router,
}

impl TestGateway {
    /// The router.
    pub fn router(&self) -> &Router {
        &self.router
    }

    /// A `GET` of an absolute URL (`http://host[:port]/path?query`); see
    /// [`request`](Self::request).
    ///
    /// # Panics
    ///
    /// When `url` is not an absolute `http` or `https` URL.
    #[must_use]
    pub fn get(&self, url: &str) -> TestRequest<'_> {
        self.request(Method::GET, url)
    }

    /// A request of an absolute URL. The scheme picks the listener protocol
    /// (`https` also sends the host as TLS server name), the port is the
    /// URL's or the scheme's default, and the host goes in `Host`.
    ///
    /// # Panics
    ///
    /// When `url` is not an absolute `http` or `https` URL.
    #[must_use]
    pub fn request(&self, method: Method, url: &str) -> TestRequest<'_> {
        let uri: Uri = url
            .parse()
            .unwrap_or_else(|e| panic!("test request URL {url:?} does not parse: {e}"));
        let scheme = match uri.scheme_str() {
            Some("http") => Scheme::Http,
            Some("https") => Scheme::Https,
            _ => panic!("test request URL {url:?} is not an absolute http or https URL"),
        };
        let authority = uri
            .authority()
            .unwrap_or_else(|| panic!("test request URL {url:?} has no host"));
        TestRequest {
            gateway: self,
            method,
            url: url.to_owned(),
            scheme,
            port: authority.port_u16().unwrap_or(scheme.default_port()),
            host: authority.host().to_owned(),
            path_and_query: uri
                .path_and_query()
                .map_or_else(|| "/".to_owned(), ToString::to_string),
            headers: HeaderMap::new(),
            random: 0,
        }
    }
}

/// One test request to a [`TestGateway`]: add headers, then decide or
/// assert.
#[derive(Debug, Clone)]
pub struct TestRequest<'g> {
    gateway: &'g TestGateway,
    method: Method,
    url: String,
    scheme: Scheme,
    port: u16,
    host: String,
    path_and_query: String,
    headers: HeaderMap,
    random: u32,
}

/// What the router decided, for panic messages.
struct Shown<'a>(&'a Decision);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0.action {
            Action::Forward { backend } => write!(f, "forward to {}", backend_name(backend))?,
            Action::Redirect { status, location } => write!(f, "redirect {status} to {location}")?,
            Action::Respond { status } => write!(f, "answer {status}")?,
            other => write!(f, "{other:?}")?,
        }
        match &self.0.rule {
            Some((kind, ns, name, rule)) => write!(f, " ({kind} {ns}/{name} rule {rule})"),
            None => write!(f, " (no rule matched)"),
        }
    }
}

fn backend_name(backend: &ResolvedBackend) -> String {
    format!("{}/{}", backend.namespace, backend.name)
}

impl TestRequest<'_> {
    /// Adds a request header.
    ///
    /// # Panics
    ///
    /// When the name or value is not a valid header name or value.
    #[must_use]
    pub fn header(mut self, name: &str, value: &str) -> Self {
        let n = HeaderName::try_from(name)
            .unwrap_or_else(|e| panic!("test header name {name:?} is invalid: {e}"));
        let v = HeaderValue::try_from(value)
            .unwrap_or_else(|e| panic!("test header value {value:?} is invalid: {e}"));
        self.headers.append(n, v);
        self
    }

    /// The random number that picks among weighted backends (0 by default).
    #[must_use]
    pub fn random(mut self, random: u32) -> Self {
        self.random = random;
        self
    }

    /// The router's decision.
    #[must_use]
    pub fn decide(&self) -> Decision {
        self.decide_with(self.random)
    }

    fn decide_with(&self, random: u32) -> Decision {
        let host = if self.port == self.scheme.default_port() {
            self.host.clone()
        } else {
            format!("{}:{}", self.host, self.port)
        };
        let input = Input::new(&self.method, &host, &self.path_and_query, &self.headers)
            .with_scheme(self.scheme)
            .with_port(self.port)
            .with_sni((self.scheme == Scheme::Https).then_some(self.host.as_str()));
        self.gateway.router.decide(&input, random)
    }

    fn fail(&self, expected: &str, decision: &Decision) -> ! {
        panic!(
            "{} {} on Gateway {}: expected {expected}, got {}",
            self.method,
            self.url,
            self.gateway.name,
            Shown(decision)
        )
    }

    /// Asserts that the request is forwarded to the backend `namespace/name`
    /// and returns the decision for further checks.
    ///
    /// # Panics
    ///
    /// When the request is not forwarded there.
    pub fn assert_backend(&self, backend: &str) -> Forwarded {
        let decision = self.decide();
        match &decision.action {
            Action::Forward { backend: b } if backend_name(b) == backend => Forwarded {
                what: format!(
                    "{} {} on Gateway {}",
                    self.method, self.url, self.gateway.name
                ),
                decision,
            },
            _ => self.fail(&format!("forward to {backend}"), &decision),
        }
    }

    /// Asserts a redirect with this status and `Location`.
    ///
    /// # Panics
    ///
    /// When the request is not redirected so.
    pub fn assert_redirect(&self, status: u16, location: &str) {
        let decision = self.decide();
        match &decision.action {
            Action::Redirect {
                status: s,
                location: l,
            } if *s == status && l == location => {}
            _ => self.fail(&format!("redirect {status} to {location}"), &decision),
        }
    }

    /// Asserts that the gateway answers itself with this status (404 no
    /// route, 500 no valid backend, ...).
    ///
    /// # Panics
    ///
    /// When the gateway does not answer so.
    pub fn assert_status(&self, status: u16) {
        let decision = self.decide();
        if !matches!(decision.action, Action::Respond { status: s } if s == status) {
            self.fail(&format!("answer {status}"), &decision);
        }
    }

    /// Asserts the weighted split: each backend `namespace/name` with its
    /// share, in percent, checked exactly over the whole range of random
    /// numbers (sampled at 10 000 evenly spaced points, so within 0.01 %).
    ///
    /// # Panics
    ///
    /// When a share differs by more than 0.5 percentage points, or another
    /// backend (or a non-forward answer) gets requests.
    pub fn assert_split(&self, shares: &[(&str, u32)]) {
        const SAMPLES: u64 = 10_000;
        let mut counts: Vec<(String, u64)> = Vec::new();
        for i in 0..SAMPLES {
            let random = u32::try_from(i * (u64::from(u32::MAX) + 1) / SAMPLES).unwrap_or(u32::MAX);
            let decision = self.decide_with(random);
            let name = match &decision.action {
                Action::Forward { backend } => backend_name(backend),
                _ => Shown(&decision).to_string(),
            };
            match counts.iter_mut().find(|(n, _)| *n == name) {
                Some((_, c)) => *c += 1,
                None => counts.push((name, 1)),
            }
        }
        #[allow(clippy::cast_precision_loss, reason = "counts are at most 10 000")]
        let percent = |c: u64| c as f64 * 100.0 / SAMPLES as f64;
        let seen: Vec<String> = counts
            .iter()
            .map(|(n, c)| format!("{n}: {:.1}%", percent(*c)))
            .collect();
        let ok = counts
            .iter()
            .all(|(n, _)| shares.iter().any(|(s, _)| s == n))
            && shares.iter().all(|(name, want)| {
                let got = counts
                    .iter()
                    .find(|(n, _)| n == name)
                    .map_or(0, |(_, c)| *c);
                (percent(got) - f64::from(*want)).abs() <= 0.5
            });
        if !ok {
            panic!(
                "{} {} on Gateway {}: expected split {:?}, got {}",
                self.method,
                self.url,
                self.gateway.name,
                shares,
                seen.join(", ")
            );
        }
    }
}

/// A request that was forwarded: check what the backend receives.
#[derive(Debug, Clone)]
pub struct Forwarded {
    what: String,
    decision: Decision,
}

impl Forwarded {
    /// The decision.
    #[must_use]
    pub fn decision(&self) -> &Decision {
        &self.decision
    }

    /// Asserts the path the backend receives (after URL rewrites, without
    /// the query).
    ///
    /// # Panics
    ///
    /// When it differs.
    pub fn assert_upstream_path(&self, path: &str) -> &Self {
        let got = self.decision.upstream.as_ref().map(|u| u.path.as_str());
        assert!(
            got == Some(path),
            "{}: expected upstream path {path}, got {got:?}",
            self.what
        );
        self
    }

    /// Asserts that the backend receives header `name` with exactly `value`
    /// (all values joined with `,`).
    ///
    /// # Panics
    ///
    /// When the header is missing or differs.
    pub fn assert_upstream_header(&self, name: &str, value: &str) -> &Self {
        let values: Vec<&str> = self
            .decision
            .upstream
            .as_ref()
            .map(|u| {
                u.headers
                    .get_all(name)
                    .iter()
                    .map(|v| v.to_str().unwrap_or("<not text>"))
                    .collect()
            })
            .unwrap_or_default();
        let got = values.join(",");
        assert!(
            !values.is_empty() && got == value,
            "{}: expected upstream header {name}: {value}, got {}",
            self.what,
            if values.is_empty() {
                "no such header".to_owned()
            } else {
                got
            }
        );
        self
    }

    /// Asserts that the backend does not receive header `name`.
    ///
    /// # Panics
    ///
    /// When the header is present.
    pub fn assert_no_upstream_header(&self, name: &str) -> &Self {
        let present = self
            .decision
            .upstream
            .as_ref()
            .is_some_and(|u| u.headers.contains_key(name));
        assert!(
            !present,
            "{}: expected no upstream header {name}",
            self.what
        );
        self
    }
}
