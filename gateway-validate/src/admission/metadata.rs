//! The object metadata checks every API server applies to a custom resource.

use gateway_types::{MetaExt, Object};

use super::ctx::Ctx;
use super::patterns::{DNS1123_LABEL, PRECISE_HOSTNAME};
use super::schema::quote;

rules! {
    /// `metadata.name` is present.
    NAME_REQUIRED = ("metadata.name.required", "",
        "`metadata.name` is set");
    /// `metadata.name` is a DNS subdomain.
    NAME_FORMAT = ("metadata.name.format", "",
        "`metadata.name` is a lowercase DNS subdomain of at most 253 characters");
    /// `metadata.namespace` is a DNS label.
    NAMESPACE_FORMAT = ("metadata.namespace.format", "",
        "`metadata.namespace` is a lowercase DNS label of at most 63 characters");
}

/// Checks name and namespace.
pub(crate) fn check(object: &Object, ctx: &mut Ctx<'_>) {
    let meta = object.metadata();
    match meta.name.as_deref() {
        None | Some("") => ctx.error(
            "metadata.name",
            NAME_REQUIRED,
            "the object needs a name; add `metadata.name`",
        ),
        Some(name) => {
            if name.len() > 253 || !PRECISE_HOSTNAME.is_match(name) {
                ctx.error(
                    "metadata.name",
                    NAME_FORMAT,
                    format!(
                        "{} is not a valid name; use at most 253 lowercase letters, digits, `-` \
                         and `.`, starting and ending with a letter or digit",
                        quote(name)
                    ),
                );
            }
        }
    }
    if object.is_namespaced()
        && let Some(ns) = meta.namespace_str()
        && (ns.len() > 63 || !DNS1123_LABEL.is_match(ns))
    {
        ctx.error(
            "metadata.namespace",
            NAMESPACE_FORMAT,
            format!(
                "{} is not a valid namespace; use at most 63 lowercase letters, digits and `-`",
                quote(ns)
            ),
        );
    }
}
