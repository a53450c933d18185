//! Gateway: schema and CEL rules.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use gateway_types::Gateway;
use serde_json::Value;

use super::common::{
    check_listeners, group, kind, label_selector, listeners, name, object_ref, port, secret_ref,
};
use super::ctx::Ctx;
use super::patterns::{ADDRESS_TYPE, HOSTNAME, LABEL_VALUE, QUALIFIED_KEY, is_ip};
use super::schema::{Node, ObjFields, exp, list, map, obj, opt, quote, req, rule, s};
use super::{BothChannels, check_spec};
use crate::Channel;

rules! {
    /// R2.
    ADDRESSES_UNIQUE_IP = ("gateway.addresses.unique-ip", "R2",
        "`IPAddress` address values are unique");
    /// R3.
    ADDRESSES_UNIQUE_HOSTNAME = ("gateway.addresses.unique-hostname", "R3",
        "`Hostname` address values are unique");
    /// R4.
    ADDRESS_HOSTNAME_FORMAT = ("gateway.address.hostname-format", "R4",
        "a `Hostname` address value is a hostname (P7)");
    /// R5.
    ANNOTATION_KEY_FORMAT = ("gateway.infrastructure.annotation-key-format", "R5",
        "infrastructure annotation keys are qualified names");
    /// R6.
    ANNOTATION_KEY_PREFIX_LENGTH = ("gateway.infrastructure.annotation-key-prefix-length", "R6",
        "the part of an infrastructure annotation key before `/` is shorter than 253");
    /// R7.
    LABEL_KEY_FORMAT = ("gateway.infrastructure.label-key-format", "R7",
        "infrastructure label keys are qualified names");
    /// R8.
    LABEL_KEY_PREFIX_LENGTH = ("gateway.infrastructure.label-key-prefix-length", "R8",
        "the part of an infrastructure label key before `/` is shorter than 253");
    /// R16.
    FRONTEND_UNIQUE_PORTS = ("gateway.tls.frontend.unique-ports", "R16",
        "frontend TLS `perPort` ports are unique");
}

/// The frontend TLS validation block.
fn tls_config() -> Node {
    obj([opt(
        "validation",
        obj([
            req("caCertificateRefs", list(object_ref()).items(1, 16)),
            opt(
                "mode",
                s().one_of(&["AllowValidOnly", "AllowInsecureFallback"]),
            ),
        ]),
    )])
    .into()
}

/// The `spec` schema.
fn spec(ch: Channel) -> Node {
    obj([
        req("gatewayClassName", s().len(1, 253)),
        req("listeners", listeners()),
        opt(
            "addresses",
            list(
                obj([
                    opt("type", s().len(1, 253).pat(&ADDRESS_TYPE)),
                    opt("value", s().max(253)),
                ])
                .with_check(address_ip_format),
            )
            .max(16),
        ),
        opt(
            "infrastructure",
            obj([
                opt("labels", map(s().max(63).pat(&LABEL_VALUE)).max(8)),
                opt("annotations", map(s().max(4096)).max(16)),
                opt(
                    "parametersRef",
                    obj([
                        req("group", group()),
                        req("kind", kind()),
                        req("name", name()),
                    ]),
                ),
            ]),
        ),
        opt(
            "allowedListeners",
            obj([opt(
                "namespaces",
                obj([
                    opt("from", s().one_of(&["All", "Selector", "Same", "None"])),
                    opt("selector", label_selector()),
                ]),
            )]),
        ),
        opt(
            "tls",
            obj([
                opt("backend", obj([opt("clientCertificateRef", secret_ref())])),
                opt(
                    "frontend",
                    obj([
                        req("default", tls_config()),
                        opt(
                            "perPort",
                            list(obj([req("port", port()), req("tls", tls_config())]))
                                .max(64)
                                .keyed(&["port"]),
                        ),
                    ]),
                ),
            ]),
        ),
        exp(ch, "defaultScope", s().one_of(&["All", "None"])),
    ])
    .into()
}

/// The one-of of an address: an `IPAddress` value is IPv4 or IPv6 text.
fn address_ip_format(m: &ObjFields, path: &str, ctx: &mut Ctx<'_>) {
    let type_ = m.get("type").and_then(Value::as_str).unwrap_or("IPAddress");
    if type_ == "IPAddress"
        && let Some(Value::String(v)) = m.get("value")
        && !is_ip(v)
    {
        ctx.error(
            &format!("{path}.value"),
            rule::FORMAT_IP,
            format!(
                "{} is not an IP address; write IPv4 (`10.0.0.1`) or IPv6 (`fd00::1`) text, \
                 without port or prefix length, or set another address type",
                quote(v)
            ),
        );
    }
}

pub(super) static SCHEMA: LazyLock<BothChannels> = LazyLock::new(|| BothChannels::build(spec));

/// Admission of a defaulted Gateway.
pub(crate) fn admit(gateway: &Gateway, ctx: &mut Ctx<'_>) {
    check_spec(&gateway.spec, SCHEMA.get(ctx.channel), ctx);
    cel(gateway, ctx);
}

/// The CEL rules of a defaulted Gateway.
fn cel(gateway: &Gateway, ctx: &mut Ctx<'_>) {
    let spec = &gateway.spec;
    let addresses = spec.addresses.as_deref().unwrap_or(&[]);
    for (i, a) in addresses.iter().enumerate() {
        let type_ = a.type_or_default();
        let Some(value) = &a.value else { continue };
        let rule = match type_ {
            "IPAddress" => ADDRESSES_UNIQUE_IP,
            "Hostname" => ADDRESSES_UNIQUE_HOSTNAME,
            _ => continue,
        };
        let first = addresses[..i]
            .iter()
            .position(|b| b.type_or_default() == type_ && b.value.as_ref() == Some(value));
        if let Some(first) = first {
            ctx.error(
                &format!("spec.addresses[{i}]"),
                rule,
                format!(
                    "{type_} {} is already requested by addresses[{first}]; list it once",
                    quote(value)
                ),
            );
        }
        if type_ == "Hostname" && !HOSTNAME.is_match(value) {
            ctx.error(
                &format!("spec.addresses[{i}].value"),
                ADDRESS_HOSTNAME_FORMAT,
                format!(
                    "{} is not a hostname; use a lowercase DNS name, optionally starting with `*.`",
                    quote(value)
                ),
            );
        }
    }
    if let Some(infra) = &spec.infrastructure {
        check_keys(
            infra.annotations.as_ref(),
            "spec.infrastructure.annotations",
            ANNOTATION_KEY_FORMAT,
            ANNOTATION_KEY_PREFIX_LENGTH,
            ctx,
        );
        check_keys(
            infra.labels.as_ref(),
            "spec.infrastructure.labels",
            LABEL_KEY_FORMAT,
            LABEL_KEY_PREFIX_LENGTH,
            ctx,
        );
    }
    check_listeners(&spec.listeners, ctx);
    if let Some(per_port) = spec
        .tls
        .as_ref()
        .and_then(|t| t.frontend.as_ref())
        .and_then(|f| f.per_port.as_deref())
    {
        for (i, p) in per_port.iter().enumerate() {
            if let Some(first) = per_port[..i].iter().position(|q| q.port == p.port) {
                ctx.error(
                    &format!("spec.tls.frontend.perPort[{i}].port"),
                    FRONTEND_UNIQUE_PORTS,
                    format!(
                        "port {} already has a configuration in perPort[{first}]; merge them",
                        p.port
                    ),
                );
            }
        }
    }
}

/// R5-R8 on the keys of an infrastructure map.
fn check_keys(
    map: Option<&BTreeMap<String, String>>,
    path: &str,
    format_rule: &'static str,
    prefix_rule: &'static str,
    ctx: &mut Ctx<'_>,
) {
    for key in map.into_iter().flat_map(BTreeMap::keys) {
        let at = format!("{path}.{key}");
        if !QUALIFIED_KEY.is_match(key) {
            ctx.error(
                &at,
                format_rule,
                format!(
                    "key {} is not a qualified name; use `name` or `example.com/name` (name: \
                     up to 63 letters, digits, `-`, `_`, `.`)",
                    quote(key)
                ),
            );
        }
        let prefix = key.split('/').next().unwrap_or("");
        if prefix.chars().count() >= 253 {
            ctx.error(
                &at,
                prefix_rule,
                format!(
                    "the prefix of key {} is {} characters long; keep it under 253",
                    quote(key),
                    prefix.chars().count()
                ),
            );
        }
    }
}
