//! The experimental `gateway.networking.x-k8s.io` kinds: XBackend,
//! XBackendTrafficPolicy and XMesh (served only by the experimental CRDs).

use std::sync::LazyLock;

use gateway_types::x::{XBackend, XBackendTrafficPolicy, XMesh};

use super::backend_tls_policy::{check_validation, validation};
use super::common::{
    check_session_persistence, duration, group, kind, name, namespace, port, secret_ref,
};
use super::ctx::Ctx;
use super::patterns::{DNS1123_LABEL, GATEWAY_CONTROLLER, PRECISE_HOSTNAME, duration_millis};
use super::schema::{Node, int, list, obj, opt, quote, req, s};
use super::{BothChannels, check_spec};
use crate::Channel;

rules! {
    /// XBackend: type and `externalHostname` go together.
    BACKEND_EXTERNAL_HOSTNAME = ("xbackend.external-hostname", "",
        "an XBackend of type ExternalHostname has `externalHostname`, and only then");
    /// XBackend: no cluster-local external hostname.
    BACKEND_NOT_CLUSTER_LOCAL = ("xbackend.external-hostname.not-cluster-local", "",
        "an XBackend external hostname does not end with `.cluster.local`");
    /// XBackend: the port name is a DNS label.
    BACKEND_PORT_NAME = ("xbackend.port-name-format", "",
        "an XBackend port name is empty or a DNS-1123 label");
    /// XBackend: client certificate exactly with mutual TLS.
    BACKEND_CLIENT_CERTIFICATE = ("xbackend.tls.client-certificate-ref", "",
        "an XBackend has `tls.clientCertificateRef` exactly when its mode is ClientAndServer");
    /// XBackendTrafficPolicy: budget interval between 1s and 1h.
    BUDGET_INTERVAL = ("xbackendtrafficpolicy.budget-interval-range", "",
        "a retry budget interval is between 1s and 1h");
    /// XBackendTrafficPolicy: minimum retry rate interval above 0 and at most 1h.
    MIN_RETRY_RATE_INTERVAL = ("xbackendtrafficpolicy.min-retry-rate-interval-range", "",
        "a minimum retry rate interval is above zero and at most 1h");
    /// XMesh: the controller name does not change.
    MESH_CONTROLLER_NAME_IMMUTABLE = ("xmesh.controller-name.immutable", "",
        "an XMesh `spec.controllerName` does not change on update");
}

fn backend_spec(_: Channel) -> Node {
    obj([
        req("type", s().one_of(&["ExternalHostname"])),
        req("port", obj([opt("name", s().max(63)), req("port", port())])),
        opt(
            "externalHostname",
            obj([req("hostname", s().len(1, 253).pat(&PRECISE_HOSTNAME))]),
        ),
        opt(
            "protocol",
            s().one_of(&["TCP", "HTTP", "HTTP2", "HTTP11", "H2C", "MCP"]),
        ),
        opt(
            "tls",
            obj([
                req(
                    "mode",
                    s().one_of(&["None", "ServerOnly", "ClientAndServer"]),
                ),
                opt("clientCertificateRef", secret_ref()),
                opt("validation", validation()),
            ]),
        ),
    ])
    .into()
}

fn policy_spec(_: Channel) -> Node {
    obj([
        req(
            "targetRefs",
            list(obj([
                req("group", group()),
                req("kind", kind()),
                req("name", name()),
            ]))
            .items(1, 16)
            .keyed(&["group", "kind", "name"]),
        ),
        opt(
            "retryConstraint",
            obj([
                opt(
                    "budget",
                    obj([
                        opt("percent", int().range(0, 100)),
                        opt("interval", duration()),
                    ]),
                ),
                opt(
                    "minRetryRate",
                    obj([
                        opt("count", int().range(1, 1_000_000)),
                        opt("interval", duration()),
                    ]),
                ),
            ]),
        ),
        super::common::session_persistence(Channel::Experimental),
    ])
    .into()
}

fn mesh_spec(_: Channel) -> Node {
    obj([
        req("controllerName", s().len(1, 253).pat(&GATEWAY_CONTROLLER)),
        opt("description", s().max(64)),
        opt(
            "parametersRef",
            obj([
                req("group", group()),
                req("kind", kind()),
                req("name", name()),
                opt("namespace", namespace()),
            ]),
        ),
    ])
    .into()
}

pub(super) static BACKEND: LazyLock<BothChannels> =
    LazyLock::new(|| BothChannels::build(backend_spec));
pub(super) static POLICY: LazyLock<BothChannels> =
    LazyLock::new(|| BothChannels::build(policy_spec));
pub(super) static MESH: LazyLock<BothChannels> = LazyLock::new(|| BothChannels::build(mesh_spec));

/// Admission of a defaulted XBackend.
pub(crate) fn admit_backend(b: &XBackend, ctx: &mut Ctx<'_>) {
    check_spec(&b.spec, BACKEND.get(ctx.channel), ctx);
    let spec = &b.spec;
    let external = spec.type_.as_str() == "ExternalHostname";
    if external != spec.external_hostname.is_some() {
        let msg = if external {
            "type ExternalHostname needs `externalHostname`; add it"
        } else {
            "`externalHostname` needs type ExternalHostname; remove it or change the type"
        };
        ctx.error("spec", BACKEND_EXTERNAL_HOSTNAME, msg);
    }
    if let Some(h) = &spec.external_hostname
        && h.hostname.ends_with(".cluster.local")
    {
        ctx.error(
            "spec.externalHostname.hostname",
            BACKEND_NOT_CLUSTER_LOCAL,
            format!(
                "{} is a cluster-local name; reference the Service directly instead",
                quote(&h.hostname)
            ),
        );
    }
    if let Some(n) = &spec.port.name
        && !n.is_empty()
        && (n.len() > 63 || !DNS1123_LABEL.is_match(n))
    {
        ctx.error(
            "spec.port.name",
            BACKEND_PORT_NAME,
            format!(
                "{} is not a DNS label; use lowercase letters, digits and `-`",
                quote(n)
            ),
        );
    }
    if let Some(tls) = &spec.tls {
        let mutual = tls.mode.as_str() == "ClientAndServer";
        if mutual != tls.client_certificate_ref.is_some() {
            let msg = if mutual {
                "mode ClientAndServer needs `clientCertificateRef`; add it"
            } else {
                "`clientCertificateRef` needs mode ClientAndServer; remove it or change the mode"
            };
            ctx.error("spec.tls", BACKEND_CLIENT_CERTIFICATE, msg);
        }
        if let Some(v) = &tls.validation {
            check_validation(v, "spec.tls.validation", ctx);
        }
    }
}

/// Admission of a defaulted XBackendTrafficPolicy.
pub(crate) fn admit_policy(p: &XBackendTrafficPolicy, ctx: &mut Ctx<'_>) {
    check_spec(&p.spec, POLICY.get(ctx.channel), ctx);
    const HOUR: u64 = 3_600_000;
    if let Some(retry) = &p.spec.retry_constraint {
        if let Some(i) = retry.budget.as_ref().and_then(|b| b.interval.as_deref())
            && let Some(ms) = duration_millis(i)
            && !(1_000..=HOUR).contains(&ms)
        {
            ctx.error(
                "spec.retryConstraint.budget.interval",
                BUDGET_INTERVAL,
                format!("interval `{i}` is outside 1s..1h; choose a value in that range"),
            );
        }
        if let Some(i) = retry
            .min_retry_rate
            .as_ref()
            .and_then(|r| r.interval.as_deref())
            && let Some(ms) = duration_millis(i)
            && (ms == 0 || ms > HOUR)
        {
            ctx.error(
                "spec.retryConstraint.minRetryRate.interval",
                MIN_RETRY_RATE_INTERVAL,
                format!("interval `{i}` must be above zero and at most 1h"),
            );
        }
    }
    if let Some(sp) = &p.spec.session_persistence {
        check_session_persistence(sp, "spec.sessionPersistence", ctx);
    }
}

/// Admission of a defaulted XMesh; `old` is the stored one on update.
pub(crate) fn admit_mesh(m: &XMesh, old: Option<&XMesh>, ctx: &mut Ctx<'_>) {
    check_spec(&m.spec, MESH.get(ctx.channel), ctx);
    if let Some(old) = old
        && old.spec.controller_name != m.spec.controller_name
    {
        ctx.error(
            "spec.controllerName",
            MESH_CONTROLLER_NAME_IMMUTABLE,
            format!(
                "controllerName cannot change (was `{}`); keep the old value",
                old.spec.controller_name
            ),
        );
    }
}
