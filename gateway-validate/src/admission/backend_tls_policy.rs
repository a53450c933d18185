//! BackendTLSPolicy: schema and CEL rules.

use std::sync::LazyLock;

use gateway_types::BackendTlsPolicy;
use gateway_types::backend_tls_policy::{BackendTlsPolicyValidation, SubjectAltNameType};

use super::common::{
    group, hostname, kind, local_object_ref, name, precise_hostname, section_name,
};
use super::ctx::Ctx;
use super::patterns::{ABSOLUTE_URI, WELL_KNOWN_CA};
use super::schema::{Node, Obj, list, map, obj, opt, req, s};
use super::{BothChannels, check_spec};
use crate::Channel;

rules! {
    /// R84.
    TARGET_REFS_SECTION_ALL_OR_NONE = ("backendtlspolicy.target-refs.section-name-all-or-none", "R84",
        "targetRefs to one object all set, or all omit, sectionName");
    /// R85.
    TARGET_REFS_UNIQUE = ("backendtlspolicy.target-refs.unique", "R85",
        "no two targetRefs name the same object and sectionName");
    /// R86.
    SINGLE_CA_SOURCE = ("backendtlspolicy.validation.single-ca-source", "R86",
        "not both `caCertificateRefs` and `wellKnownCACertificates`");
    /// R87.
    CA_SOURCE_REQUIRED = ("backendtlspolicy.validation.ca-source-required", "R87",
        "`caCertificateRefs` or `wellKnownCACertificates` is set");
    /// R88.
    SAN_HOSTNAME_REQUIRED = ("subject-alt-name.hostname.required", "R88",
        "a `Hostname` subjectAltName has `hostname`");
    /// R89.
    SAN_HOSTNAME_UNEXPECTED = ("subject-alt-name.hostname.unexpected", "R89",
        "only a `Hostname` subjectAltName has `hostname`");
    /// R90.
    SAN_URI_REQUIRED = ("subject-alt-name.uri.required", "R90",
        "a `URI` subjectAltName has `uri`");
    /// R91.
    SAN_URI_UNEXPECTED = ("subject-alt-name.uri.unexpected", "R91",
        "only a `URI` subjectAltName has `uri`");
}

/// The `validation` block (shared with XBackend's TLS).
pub(crate) fn validation() -> Obj {
    obj([
        opt("caCertificateRefs", list(local_object_ref()).max(8)),
        opt(
            "wellKnownCACertificates",
            s().len(1, 253).pat(&WELL_KNOWN_CA),
        ),
        req("hostname", precise_hostname()),
        opt(
            "subjectAltNames",
            list(obj([
                req("type", s().one_of(&["Hostname", "URI"])),
                opt("hostname", hostname()),
                opt("uri", s().len(1, 253).pat(&ABSOLUTE_URI)),
            ]))
            .max(5),
        ),
    ])
}

/// The `spec` schema (both channels and versions are equal).
fn spec(_: Channel) -> Node {
    obj([
        req(
            "targetRefs",
            list(obj([
                req("group", group()),
                req("kind", kind()),
                req("name", name()),
                opt("sectionName", section_name()),
            ]))
            .items(1, 16),
        ),
        req("validation", validation()),
        opt("options", map(s().max(4096)).max(16)),
    ])
    .into()
}

pub(super) static SCHEMA: LazyLock<BothChannels> = LazyLock::new(|| BothChannels::build(spec));

/// Admission of a BackendTLSPolicy.
pub(crate) fn admit(policy: &BackendTlsPolicy, ctx: &mut Ctx<'_>) {
    check_spec(&policy.spec, SCHEMA.get(ctx.channel), ctx);
    let refs = &policy.spec.target_refs;
    let section_set = |s: &Option<String>| s.as_deref().is_some_and(|s| !s.is_empty());
    let same = |i: usize, j: usize| {
        refs[i].group == refs[j].group
            && refs[i].kind == refs[j].kind
            && refs[i].name == refs[j].name
    };
    'all_or_none: for i in 0..refs.len() {
        for j in i + 1..refs.len() {
            if same(i, j)
                && section_set(&refs[i].section_name) != section_set(&refs[j].section_name)
            {
                ctx.error(
                    "spec.targetRefs",
                    TARGET_REFS_SECTION_ALL_OR_NONE,
                    format!(
                        "targetRefs to `{}` mix set and unset sectionName; set it on all of them \
                         or on none",
                        refs[i].name
                    ),
                );
                break 'all_or_none;
            }
        }
    }
    for i in 0..refs.len() {
        let eq_section = |j: usize| {
            let (a, b) = (&refs[i].section_name, &refs[j].section_name);
            (!section_set(a) && !section_set(b)) || matches!((a, b), (Some(x), Some(y)) if x == y)
        };
        if let Some(first) = (0..i).find(|&j| same(i, j) && eq_section(j)) {
            ctx.error(
                &format!("spec.targetRefs[{i}]"),
                TARGET_REFS_UNIQUE,
                format!("targets the same object as targetRefs[{first}]; remove one"),
            );
        }
    }
    check_validation(&policy.spec.validation, "spec.validation", ctx);
}

/// R86-R91 on a validation block at `path`.
pub(crate) fn check_validation(v: &BackendTlsPolicyValidation, path: &str, ctx: &mut Ctx<'_>) {
    let refs = v
        .ca_certificate_refs
        .as_ref()
        .is_some_and(|r| !r.is_empty());
    let well_known = v
        .well_known_ca_certificates
        .as_ref()
        .is_some_and(|w| !w.as_str().is_empty());
    if refs && well_known {
        ctx.error(
            path,
            SINGLE_CA_SOURCE,
            "give either `caCertificateRefs` or `wellKnownCACertificates`, not both; remove one",
        );
    }
    if !refs && !well_known {
        ctx.error(
            path,
            CA_SOURCE_REQUIRED,
            "no CA to validate the backend's certificate; add `caCertificateRefs` or set \
             `wellKnownCACertificates: System`",
        );
    }
    for (i, san) in v.subject_alt_names.iter().flatten().enumerate() {
        let at = format!("{path}.subjectAltNames[{i}]");
        let is_host = san.type_ == SubjectAltNameType::Hostname;
        let is_uri = san.type_ == SubjectAltNameType::Uri;
        let host = san.hostname.as_deref().is_some_and(|h| !h.is_empty());
        let uri = san.uri.as_deref().is_some_and(|u| !u.is_empty());
        if is_host && !host {
            ctx.error(
                &at,
                SAN_HOSTNAME_REQUIRED,
                "a Hostname subjectAltName needs `hostname`; add it",
            );
        }
        if !is_host && host {
            ctx.error(
                &format!("{at}.hostname"),
                SAN_HOSTNAME_UNEXPECTED,
                "`hostname` belongs to type Hostname; remove it or change the type",
            );
        }
        if is_uri && !uri {
            ctx.error(
                &at,
                SAN_URI_REQUIRED,
                "a URI subjectAltName needs `uri`; add it",
            );
        }
        if !is_uri && uri {
            ctx.error(
                &format!("{at}.uri"),
                SAN_URI_UNEXPECTED,
                "`uri` belongs to type URI; remove it or change the type",
            );
        }
    }
}
