//! Requests: pick the listener, ask the router, compare with `expect`.

use std::fmt::Write as _;

use gateway_match::decision::{Action, Decision};
use gateway_match::{Input, Router, Scheme as InputScheme};
use gateway_types::routing::{GatewayRouting, ListenerOwner, ListenerRouting, ResolvedBackend};
use http::{HeaderMap, HeaderName, HeaderValue, Method};

use super::exec::World;
use super::{Check, CheckKind, Coverage, Item, Stage};
use crate::testfile::{
    Headers, Mirror, Outcome, Request, RequestCase, RequestExpect, RequestTarget, ResponseExpect,
    Scheme, ServiceRef, StreamProtocol, UpstreamExpect, split_host_port,
};

/// The `random` the router is asked with first. The outcome does not depend
/// on it: a weighted split is compared as a whole, by weight.
const RANDOM: u32 = 0;

/// Other `random` values tried when the first answer is not a forward, to
/// tell a split with an invalid share from a rule that never forwards.
const SPREAD: [u32; 8] = [
    u32::MAX / 8,
    u32::MAX / 4,
    u32::MAX / 8 * 3,
    u32::MAX / 2,
    u32::MAX / 8 * 5,
    u32::MAX / 4 * 3,
    u32::MAX / 8 * 7,
    u32::MAX,
];

/// Where a request went.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Found {
    /// The connection or TLS handshake is refused.
    Rejected(String),
    /// The Gateway answers itself.
    Respond(u16),
    /// The Gateway answers with a redirect.
    Redirect { status: u16, location: String },
    /// Backends share the requests by weight (only weights above zero);
    /// an invalid backend's share answers 500.
    Split(Vec<ResolvedBackend>),
}

impl Found {
    pub(crate) fn describe(&self) -> String {
        match self {
            Self::Rejected(why) => format!("rejected ({why})"),
            Self::Respond(status) => format!("status {status}"),
            Self::Redirect { status, location } => format!("redirect {status} {location}"),
            Self::Split(shares) => describe_split(shares),
        }
    }
}

pub(crate) fn backend_text(b: &ResolvedBackend) -> String {
    let mut text = String::new();
    if !b.kind.is_empty() && b.kind != "Service" {
        let _ = write!(text, "{} ", b.kind);
    }
    let _ = write!(text, "{}/{}", b.namespace, b.name);
    if let Some(port) = b.port {
        let _ = write!(text, ":{port}");
    }
    if let Some(why) = &b.invalid {
        let _ = write!(text, " (invalid: {why}, answers 500)");
    }
    text
}

fn describe_split(shares: &[ResolvedBackend]) -> String {
    match shares {
        [one] if one.invalid.is_none() => format!("backend {}", backend_text(one)),
        [one] => format!("status 500 via {}", backend_text(one)),
        _ => {
            let total: u64 = shares.iter().map(|b| u64::from(b.weight)).sum();
            let parts: Vec<String> = shares
                .iter()
                .map(|b| format!("{}: {}", backend_text(b), percent(b.weight, total)))
                .collect();
            format!("backends {{{}}}", parts.join(", "))
        }
    }
}

fn percent(weight: u32, total: u64) -> String {
    if total == 0 {
        return "0%".to_owned();
    }
    #[allow(clippy::cast_precision_loss)] // weights are far below 2^52
    let share = f64::from(weight) * 100.0 / total as f64;
    let rounded = (share * 10.0).round() / 10.0;
    format!("{rounded}%")
}

/// The shares of a rule's backends that receive anything: weight above zero.
fn shares(backends: &[ResolvedBackend]) -> Vec<ResolvedBackend> {
    backends.iter().filter(|b| b.weight > 0).cloned().collect()
}

/// One line naming the request, for reports.
fn describe_request(request: &Request) -> String {
    match request.target() {
        RequestTarget::Http(url) => {
            let mut text = format!("{} {}", request.method(), url);
            if let Some(host) = request.host_override() {
                let _ = write!(text, " (Host: {host})");
            }
            if let Some(sni) = request.sni() {
                let _ = write!(text, " (SNI {sni})");
            }
            text
        }
        RequestTarget::Grpc(call) => {
            let mut text = format!("gRPC {}", call.path());
            if let Some(host) = request.authority() {
                let _ = write!(text, " to {host}");
            }
            if let Some(sni) = request.sni() {
                let _ = write!(text, " (TLS, SNI {sni})");
            }
            let _ = write!(text, " port {}", request.port());
            text
        }
        RequestTarget::Tls { sni, port } => format!("TLS SNI {sni} port {port}"),
        RequestTarget::Stream { port, protocol } => format!("{} port {port}", protocol.as_str()),
    }
}

/// The listener a request selects.
enum Pick<'a> {
    /// No listener of the protocol on the port.
    NoListener,
    /// Listeners on the port, none for this host name.
    NoHostMatch,
    /// The listener chosen.
    Listener(&'a ListenerRouting),
}

/// How well a listener hostname matches a host: exact names beat wildcards,
/// longer wildcards beat shorter ones, and no hostname matches anything
/// last. `None` when it does not match.
fn host_rank(listener: Option<&str>, host: Option<&str>) -> Option<usize> {
    let Some(pattern) = listener else {
        return Some(0);
    };
    let host = host?.trim_end_matches('.').to_ascii_lowercase();
    let pattern = pattern.to_ascii_lowercase();
    if let Some(suffix) = pattern.strip_prefix('*') {
        // `*.example.com` matches one or more labels before `.example.com`.
        let matched = host.len() > suffix.len() && host.ends_with(suffix);
        return matched.then_some(1 + suffix.len());
    }
    (host == pattern).then_some(usize::MAX)
}

fn pick_listener<'a>(
    routing: &'a GatewayRouting,
    protocols: &[&str],
    port: u16,
    host: Option<&str>,
) -> Pick<'a> {
    let candidates: Vec<&ListenerRouting> = routing
        .listeners
        .iter()
        .filter(|l| {
            i64::from(l.port) == i64::from(port) && protocols.contains(&l.protocol.as_str())
        })
        .collect();
    if candidates.is_empty() {
        return Pick::NoListener;
    }
    let mut best: Option<(usize, &ListenerRouting)> = None;
    for listener in candidates {
        if let Some(rank) = host_rank(listener.hostname.as_deref(), host)
            && best.is_none_or(|(r, _)| rank > r)
        {
            best = Some((rank, listener));
        }
    }
    best.map_or(Pick::NoHostMatch, |(_, l)| Pick::Listener(l))
}

/// The name of the listener a request would pick, for tests.
#[cfg(test)]
pub(crate) fn pick_listener_name(
    routing: &GatewayRouting,
    protocols: &[&str],
    port: u16,
    host: Option<&str>,
) -> Option<String> {
    match pick_listener(routing, protocols, port, host) {
        Pick::Listener(l) => Some(l.name.clone()),
        Pick::NoListener | Pick::NoHostMatch => None,
    }
}

pub(crate) fn listener_text(l: &ListenerRouting) -> String {
    let mut text = format!("listener {} ({} port {}", l.name, l.protocol, l.port);
    if let Some(host) = &l.hostname {
        let _ = write!(text, ", hostname {host}");
    }
    text.push(')');
    if let ListenerOwner::ListenerSet { namespace, name } = &l.owner {
        let _ = write!(text, " of ListenerSet {namespace}/{name}");
    }
    if !l.ready {
        text.push_str(", not ready");
    }
    text
}

/// What the runner learned from sending a request.
pub(crate) struct Sent {
    pub(crate) found: Found,
    pub(crate) decision: Option<Decision>,
    pub(crate) trace: Vec<String>,
}

impl Sent {
    fn rejected(why: impl Into<String>, trace: Vec<String>) -> Self {
        Self {
            found: Found::Rejected(why.into()),
            decision: None,
            trace,
        }
    }
}

/// Sends one request of a file and checks it.
pub(crate) fn send(
    world: &mut World,
    case: &RequestCase,
    stage: Stage,
    index: usize,
    coverage: &mut Coverage,
) -> Check {
    let label = match stage {
        Stage::Initial => format!("requests[{index}]"),
        Stage::Step(step) => format!("steps[{step}].requests[{index}]"),
    };
    let subject = format!(
        "{label}: {} to {}",
        describe_request(&case.request),
        case.gateway
    );
    let sent = route(world, case, coverage);
    let mut items = vec![outcome_item(&case.expect, &sent.found)];
    items.extend(extra_items(&case.expect, &case.request, &sent));
    Check {
        stage,
        kind: CheckKind::Request,
        subject,
        items,
        trace: sent.trace,
    }
}

/// Picks the listener and asks the router.
fn route(world: &mut World, case: &RequestCase, coverage: &mut Coverage) -> Sent {
    let (namespace, name) = (&case.gateway.namespace, &case.gateway.name);
    let request = &case.request;
    let trace = match select(world.report().routing(namespace, name), request) {
        Ok((_, trace)) => trace,
        Err(refusal) => return refusal.into_sent(),
    };
    match world.router(namespace, name) {
        Ok(Some(router)) => dispatch(router, request, trace, coverage),
        Ok(None) => Sent::rejected("the Gateway has no routing view", trace),
        Err(message) => {
            let mut trace = trace;
            trace.push(message.clone());
            Sent::rejected(message, trace)
        }
    }
}

/// The listener protocols a request can arrive on, and the name that picks
/// the listener (the TLS server name, else the host).
fn listener_key(request: &Request) -> (&'static [&'static str], Option<&str>) {
    match request.target() {
        RequestTarget::Http(url) if url.scheme() == Scheme::Https => {
            (&["HTTPS"], request.server_name())
        }
        RequestTarget::Http(_) => (&["HTTP"], request.host_name()),
        RequestTarget::Grpc(_) if request.uses_tls() => (&["HTTPS"], request.server_name()),
        RequestTarget::Grpc(_) => (&["HTTP"], request.host_name()),
        RequestTarget::Tls { sni, .. } => (&["TLS"], Some(sni.as_str())),
        RequestTarget::Stream {
            protocol: StreamProtocol::Tcp,
            ..
        } => (&["TCP"], None),
        RequestTarget::Stream {
            protocol: StreamProtocol::Udp,
            ..
        } => (&["UDP"], None),
    }
}

/// Why a connection or handshake is refused, and the trace so far.
#[derive(Debug)]
pub(crate) struct Refusal {
    pub(crate) why: String,
    pub(crate) trace: Vec<String>,
}

impl Refusal {
    fn new(why: impl Into<String>, trace: Vec<String>) -> Self {
        Self {
            why: why.into(),
            trace,
        }
    }

    pub(crate) fn into_sent(self) -> Sent {
        Sent::rejected(self.why, self.trace)
    }
}

/// Picks the listener a request arrives on (`None`: an HTTP port with no
/// listener for the host, where the Gateway still answers), with the trace
/// so far; or the refusal when the connection or handshake is refused.
pub(crate) fn select<'r>(
    routing: Option<&'r GatewayRouting>,
    request: &Request,
) -> Result<(Option<&'r ListenerRouting>, Vec<String>), Refusal> {
    let Some(routing) = routing else {
        return Err(Refusal::new(
            "the Gateway has no routing view: not accepted, or not this controller's",
            Vec::new(),
        ));
    };
    let port = request.port();
    let (protocols, host) = listener_key(request);
    let stream = matches!(request.target(), RequestTarget::Stream { .. });
    let mut trace = Vec::new();
    match pick_listener(routing, protocols, port, host) {
        Pick::NoListener => Err(Refusal::new(
            format!("no {} listener on port {port}", protocols.join("/")),
            trace,
        )),
        Pick::NoHostMatch if request.uses_tls() || stream => Err(Refusal::new(
            format!(
                "no {} listener on port {port} for server name {}",
                protocols.join("/"),
                host.unwrap_or("(none)")
            ),
            trace,
        )),
        Pick::NoHostMatch => {
            trace.push(format!(
                "no {} listener on port {port} matches host {}",
                protocols.join("/"),
                host.unwrap_or("(none)")
            ));
            Ok((None, trace))
        }
        Pick::Listener(listener) => {
            trace.push(listener_text(listener));
            if listener.ready {
                Ok((Some(listener), trace))
            } else {
                Err(Refusal::new(
                    format!("listener {} is not ready", listener.name),
                    trace,
                ))
            }
        }
    }
}

/// Asks the router where a request goes, once its listener is known.
pub(crate) fn dispatch(
    router: &Router,
    request: &Request,
    trace: Vec<String>,
    coverage: &mut Coverage,
) -> Sent {
    match request.target() {
        RequestTarget::Tls { sni, port } => stream(router.route_tls(*port, sni), trace, coverage),
        RequestTarget::Stream {
            port,
            protocol: StreamProtocol::Tcp,
        } => stream(router.route_tcp(*port), trace, coverage),
        RequestTarget::Stream {
            port,
            protocol: StreamProtocol::Udp,
        } => stream(router.route_udp(*port), trace, coverage),
        RequestTarget::Http(_) | RequestTarget::Grpc(_) => {
            http_request(router, request, trace, coverage)
        }
    }
}

/// The outcome of a TLS, TCP or UDP stream.
fn stream(
    matched: Option<gateway_match::StreamMatch<'_>>,
    mut trace: Vec<String>,
    coverage: &mut Coverage,
) -> Sent {
    let Some(m) = matched else {
        return Sent::rejected("no route matched", trace);
    };
    trace.push(format!(
        "route {} {}/{}",
        m.route.route.kind(),
        m.route.namespace,
        m.route.name
    ));
    coverage.reached.insert((
        m.route.route.kind().to_owned(),
        m.route.namespace.clone(),
        m.route.name.clone(),
        0,
    ));
    let shares = shares(m.backends);
    if !shares.iter().any(|b| b.invalid.is_none()) {
        let why = if shares.is_empty() {
            "the route has no backend with weight".to_owned()
        } else {
            format!("no valid backend: {}", describe_split(&shares))
        };
        return Sent::rejected(why, trace);
    }
    Sent {
        found: Found::Split(shares),
        decision: None,
        trace,
    }
}

/// Builds the request headers; an invalid name or value is an error message.
fn header_map(headers: &Headers) -> Result<HeaderMap, String> {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        let header = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| format!("invalid header name {name:?}"))?;
        for v in value.values() {
            let v = HeaderValue::from_str(v)
                .map_err(|_| format!("invalid value {v:?} for header {name}"))?;
            map.append(header.clone(), v);
        }
    }
    Ok(map)
}

/// The outcome of an HTTP request or gRPC call.
fn http_request(
    router: &Router,
    request: &Request,
    mut trace: Vec<String>,
    coverage: &mut Coverage,
) -> Sent {
    let mut headers = match header_map(request.headers()) {
        Ok(headers) => headers,
        Err(message) => return Sent::rejected(message, trace),
    };
    let (method_text, path, query) = match request.target() {
        RequestTarget::Http(url) => (
            request.method().to_owned(),
            url.path().to_owned(),
            url.query(),
        ),
        RequestTarget::Grpc(call) => {
            if !headers.contains_key(http::header::CONTENT_TYPE) {
                headers.insert(
                    http::header::CONTENT_TYPE,
                    HeaderValue::from_static("application/grpc"),
                );
            }
            ("POST".to_owned(), call.path(), None)
        }
        _ => return Sent::rejected("not an HTTP request", trace),
    };
    let Ok(method) = Method::from_bytes(method_text.as_bytes()) else {
        return Sent::rejected(format!("invalid method {method_text:?}"), trace);
    };
    let host = request.authority().unwrap_or("");
    let mut input = Input::new(&method, host, &path, &headers);
    input.scheme = if request.uses_tls() {
        InputScheme::Https
    } else {
        InputScheme::Http
    };
    input.port = request.port();
    input.sni = request.server_name();
    input.query = query;
    let first = router.decide(&input, RANDOM);
    // A 500 may be a share of the split that falls on an invalid backend: ask
    // with other random numbers whether the rule forwards at all.
    let decision = if matches!(first.action, Action::Forward { .. }) {
        first
    } else {
        SPREAD
            .iter()
            .map(|r| router.decide(&input, *r))
            .find(|d| matches!(d.action, Action::Forward { .. }))
            .unwrap_or(first)
    };
    match &decision.rule {
        Some((kind, namespace, name, rule)) => {
            trace.push(format!("rule {kind} {namespace}/{name} rules[{rule}]"));
            coverage
                .reached
                .insert((kind.clone(), namespace.clone(), name.clone(), *rule));
        }
        None => trace.push("no rule matched".to_owned()),
    }
    let found = found_of(&decision);
    Sent {
        found,
        decision: Some(decision),
        trace,
    }
}

/// Where a decision sends requests: a forward is the rule's split as a
/// whole (an invalid backend's share answers 500).
fn found_of(decision: &Decision) -> Found {
    match &decision.action {
        Action::Forward { backend } => {
            let shares = shares(&decision.backends);
            if shares.is_empty() {
                Found::Split(vec![backend.as_ref().clone()])
            } else {
                Found::Split(shares)
            }
        }
        Action::Respond { status } => Found::Respond(*status),
        Action::Redirect { status, location } => Found::Redirect {
            status: *status,
            location: location.clone(),
        },
        _ => Found::Respond(0),
    }
}

fn service_matches(expect: &ServiceRef, b: &ResolvedBackend) -> bool {
    (b.kind.is_empty() || b.kind == "Service")
        && b.namespace == expect.namespace
        && b.name == expect.name
        && expect
            .port
            .is_none_or(|p| b.port.is_some_and(|q| i64::from(q) == i64::from(p)))
}

/// The item for the outcome (`backend`, `backends`, `status`, `redirect`,
/// `rejected`).
fn outcome_item(expect: &RequestExpect, found: &Found) -> Item {
    let text = found.describe();
    match &expect.outcome {
        Outcome::Backend(service) => {
            let passed = matches!(found, Found::Split(shares)
                if shares.iter().all(|b| b.invalid.is_none() && service_matches(service, b)));
            Item::new("backend", format!("backend {service}"), text, passed)
        }
        Outcome::Backends(split) => {
            let expected: Vec<String> = split
                .iter()
                .map(|w| format!("{}: {}", w.service, w.weight))
                .collect();
            let expected = format!("backends {{{}}} (relative)", expected.join(", "));
            let passed = match found {
                Found::Split(shares) => weights_agree(split, shares),
                _ => false,
            };
            Item::new("backends", expected, text, passed)
        }
        Outcome::Status(codes) => {
            let passed = matches!(found, Found::Respond(code) if codes.accepts(*code));
            Item::new("status", format!("status {codes}"), text, passed)
        }
        Outcome::Redirect(redirect) => {
            let expected = match redirect.status {
                Some(status) => format!("redirect {status} {}", redirect.location),
                None => format!("redirect {}", redirect.location),
            };
            let passed = matches!(found, Found::Redirect { status, location }
                if same_location(location, &redirect.location)
                    && redirect.status.is_none_or(|s| s == *status));
            Item::new("redirect", expected, text, passed)
        }
        Outcome::Rejected => {
            let passed = matches!(found, Found::Rejected(_));
            Item::new("rejected", "rejected", text, passed)
        }
    }
}

/// A redirect location with the scheme's default port left out
/// (`https://a:443/x` is `https://a/x`) and the host in lower case.
fn normal_location(location: &str) -> String {
    let Some((scheme, rest)) = location.split_once("://") else {
        return location.to_owned();
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let default = match scheme.to_ascii_lowercase().as_str() {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    };
    let authority = match split_host_port(authority) {
        Ok((host, Some(port))) if Some(port) == default => host.to_owned(),
        _ => authority.to_owned(),
    };
    format!(
        "{}://{}{tail}",
        scheme.to_ascii_lowercase(),
        authority.to_ascii_lowercase()
    )
}

/// Whether two redirect locations are the same (a default port written or
/// not, the scheme and host in any case).
pub(crate) fn same_location(found: &str, expected: &str) -> bool {
    found == expected || normal_location(found) == normal_location(expected)
}

/// Whether the normalised weights of the valid backends agree with the
/// expected relative weights.
pub(crate) fn weights_agree(
    expected: &[crate::testfile::WeightedBackend],
    found: &[ResolvedBackend],
) -> bool {
    let valid: Vec<&ResolvedBackend> = found.iter().filter(|b| b.invalid.is_none()).collect();
    let found_total: f64 = valid.iter().map(|b| f64::from(b.weight)).sum();
    let expected_total: f64 = expected.iter().map(|w| f64::from(w.weight)).sum();
    if found_total == 0.0 || expected_total == 0.0 {
        return false;
    }
    // Every valid backend with weight must be expected.
    let all_expected = valid
        .iter()
        .all(|b| expected.iter().any(|w| service_matches(&w.service, b)));
    let shares_agree = expected.iter().all(|w| {
        let share: f64 = valid
            .iter()
            .filter(|b| service_matches(&w.service, b))
            .map(|b| f64::from(b.weight))
            .sum::<f64>()
            / found_total;
        (share - f64::from(w.weight) / expected_total).abs() < 1e-6
    });
    all_expected && shares_agree
}

/// The values of a header, as text.
fn header_values(headers: &HeaderMap, name: &str) -> Vec<String> {
    headers
        .get_all(name)
        .iter()
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .collect()
}

fn values_text(values: &[String]) -> String {
    match values {
        [] => "(absent)".to_owned(),
        [one] => one.clone(),
        many => format!("[{}]", many.join(", ")),
    }
}

/// Whether found header values meet an expected value (several found values
/// count joined with commas, as a proxy would fold them).
pub(crate) fn header_agrees(expected: &crate::testfile::HeaderValue, found: &[String]) -> bool {
    match expected.values() {
        [one] => !found.is_empty() && (found.join(",") == *one || found.join(", ") == *one),
        many => found == many,
    }
}

fn header_items(prefix: &str, expected: &Headers, found: &HeaderMap, items: &mut Vec<Item>) {
    for (name, value) in expected {
        let values = header_values(found, name);
        items.push(Item::new(
            format!("{prefix} header {name}"),
            values_text(value.values()),
            values_text(&values),
            header_agrees(value, &values),
        ));
    }
}

fn absent_items(prefix: &str, names: &[String], found: &HeaderMap, items: &mut Vec<Item>) {
    for name in names {
        let values = header_values(found, name);
        items.push(Item::new(
            format!("{prefix} header {name}"),
            "(absent)",
            values_text(&values),
            values.is_empty(),
        ));
    }
}

/// Items for `upstream`, `response` and `mirroredTo`.
fn extra_items(expect: &RequestExpect, request: &Request, sent: &Sent) -> Vec<Item> {
    let mut items = Vec::new();
    if let Some(upstream) = &expect.upstream {
        upstream_items(upstream, sent, &mut items);
    }
    if let Some(response) = &expect.response {
        response_items(response, request, sent, &mut items);
    }
    if let Some(mirrors) = &expect.mirrored_to {
        mirror_items(mirrors, sent, &mut items);
    }
    items
}

fn upstream_items(expect: &UpstreamExpect, sent: &Sent, items: &mut Vec<Item>) {
    let upstream = sent.decision.as_ref().and_then(|d| d.upstream.as_ref());
    let Some(up) = upstream else {
        let why = match &sent.found {
            Found::Split(_) => "(no upstream request)".to_owned(),
            other => format!("(not forwarded: {})", other.describe()),
        };
        let mut fail = |what: String, expected: String| {
            items.push(Item::new(what, expected, why.clone(), false));
        };
        if let Some(path) = &expect.path {
            fail("upstream path".to_owned(), path.clone());
        }
        if let Some(host) = &expect.host {
            fail("upstream host".to_owned(), host.clone());
        }
        for (name, value) in &expect.headers {
            fail(
                format!("upstream header {name}"),
                values_text(value.values()),
            );
        }
        for name in &expect.absent_headers {
            fail(format!("upstream header {name}"), "(absent)".to_owned());
        }
        if let Some(sni) = expect.tls.as_ref().and_then(|t| t.sni.as_ref()) {
            fail("upstream TLS SNI".to_owned(), sni.clone());
        }
        return;
    };
    if let Some(path) = &expect.path {
        let found = if path.contains('?') {
            match &up.query {
                Some(query) => format!("{}?{query}", up.path),
                None => up.path.clone(),
            }
        } else {
            up.path.clone()
        };
        let passed = &found == path;
        items.push(Item::new("upstream path", path.clone(), found, passed));
    }
    if let Some(host) = &expect.host {
        let bare = split_host_port(&up.host).map_or(up.host.as_str(), |(h, _)| h);
        let passed = up.host == *host || (!host.contains(':') && bare == host);
        items.push(Item::new(
            "upstream host",
            host.clone(),
            up.host.clone(),
            passed,
        ));
    }
    header_items("upstream", &expect.headers, &up.headers, items);
    absent_items("upstream", &expect.absent_headers, &up.headers, items);
    if let Some(sni) = expect.tls.as_ref().and_then(|t| t.sni.as_ref()) {
        let found = up.tls_sni.clone();
        items.push(Item::new(
            "upstream TLS SNI",
            sni.clone(),
            found.clone().unwrap_or_else(|| "(no TLS)".to_owned()),
            found.as_ref() == Some(sni),
        ));
    }
}

fn response_items(expect: &ResponseExpect, request: &Request, sent: &Sent, items: &mut Vec<Item>) {
    let Some(decision) = &sent.decision else {
        let why = format!("(no HTTP response: {})", sent.found.describe());
        for (name, value) in &expect.headers {
            items.push(Item::new(
                format!("response header {name}"),
                values_text(value.values()),
                why.clone(),
                false,
            ));
        }
        for (name, values) in &expect.headers_one_of {
            items.push(Item::new(
                format!("response header {name}"),
                format!("one of [{}]", values.join(", ")),
                why.clone(),
                false,
            ));
        }
        for name in &expect.absent_headers {
            items.push(Item::new(
                format!("response header {name}"),
                "(absent)",
                why.clone(),
                false,
            ));
        }
        return;
    };
    // The backend's headers when a backend answers, then the Gateway's edits.
    let mut headers = match (
        &decision.action,
        header_map(request.backend_response_headers()),
    ) {
        (Action::Forward { .. }, Ok(headers)) => headers,
        (Action::Forward { .. }, Err(message)) => {
            items.push(Item::new(
                "backendResponse",
                "valid headers",
                message,
                false,
            ));
            HeaderMap::new()
        }
        _ => HeaderMap::new(),
    };
    decision.response.apply(&mut headers);
    header_items("response", &expect.headers, &headers, items);
    for (name, choices) in &expect.headers_one_of {
        let values = header_values(&headers, name);
        let passed = !values.is_empty() && {
            let joined = values.join(", ");
            choices
                .iter()
                .any(|c| *c == joined || values.join(",") == *c)
        };
        items.push(Item::new(
            format!("response header {name}"),
            format!("one of [{}]", choices.join(", ")),
            values_text(&values),
            passed,
        ));
    }
    absent_items("response", &expect.absent_headers, &headers, items);
}

fn mirror_items(expect: &[Mirror], sent: &Sent, items: &mut Vec<Item>) {
    let found: Vec<&gateway_match::decision::Mirror> = sent
        .decision
        .as_ref()
        .map(|d| d.mirrors.iter().collect())
        .unwrap_or_default();
    let found_text = || {
        if found.is_empty() {
            "(no mirrors)".to_owned()
        } else {
            let parts: Vec<String> = found
                .iter()
                .map(|m| format!("{} {}%", backend_text(&m.backend), m.percent))
                .collect();
            parts.join(", ")
        }
    };
    if expect.is_empty() {
        items.push(Item::new(
            "mirroredTo",
            "(no mirrors)",
            found_text(),
            found.is_empty(),
        ));
    }
    for mirror in expect {
        let percent = f64::from(mirror.percent.unwrap_or(100));
        let passed = found.iter().any(|m| {
            service_matches(&mirror.service, &m.backend) && (m.percent - percent).abs() < 1e-6
        });
        let expected = match mirror.percent {
            Some(p) => format!("{} {p}%", mirror.service),
            None => format!("{} (every request)", mirror.service),
        };
        items.push(Item::new(
            format!("mirroredTo {}", mirror.service),
            expected,
            found_text(),
            passed,
        ));
    }
}
