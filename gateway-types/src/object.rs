//! What every kind has in common: type metadata, the [`ApiObject`] trait,
//! API-server defaulting ([`Defaults`]) and the [`Object`] enumeration the loader yields.

use crate::meta::ObjectMeta;

/// Facts about a kind that do not depend on a particular object.
pub trait ApiObject {
    /// The API group, for example `gateway.networking.k8s.io` (`""` for core kinds).
    const GROUP: &'static str;
    /// The kind, as written in `kind:`.
    const KIND: &'static str;
    /// The storage version this type is written as by default.
    const VERSION: &'static str;
    /// The lowercase plural used in URL paths.
    const PLURAL: &'static str;
    /// Whether objects of this kind live in a namespace.
    const NAMESPACED: bool;
    /// Versions this type can be read from.
    const VERSIONS: &'static [&'static str];

    /// The object's metadata.
    fn metadata(&self) -> &ObjectMeta;
    /// The object's metadata, mutably.
    fn metadata_mut(&mut self) -> &mut ObjectMeta;
    /// The `apiVersion` the object was written with.
    fn api_version(&self) -> &str;
}

/// API-server defaulting as an explicit step.
///
/// Deserialisation keeps exactly what the user wrote; `apply_defaults` inserts
/// every default the CRDs declare, top-down, as the API server does before it
/// validates or stores an object.
pub trait Defaults {
    /// Inserts the CRD defaults into absent fields.
    fn apply_defaults(&mut self);

    /// Returns the object with the CRD defaults inserted.
    #[must_use]
    fn with_defaults(mut self) -> Self
    where
        Self: Sized,
    {
        self.apply_defaults();
        self
    }
}

/// Defines a top-level kind: the struct with `apiVersion`, `kind`, `metadata`,
/// `spec` and optionally `status`, plus its [`ApiObject`] (and, with the
/// `kube` feature, `kube::Resource`) implementation.
macro_rules! api_object {
    (
        $(#[$meta:meta])*
        $name:ident {
            group: $group:expr,
            kind: $kind:literal,
            version: $version:literal,
            versions: [$($versions:literal),+],
            plural: $plural:literal,
            namespaced: $namespaced:tt,
            spec: $spec:ty,
            $(status: $status:ty,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
        #[serde(rename_all = "camelCase")]
        #[non_exhaustive]
        pub struct $name {
            /// `group/version` the object was written with.
            #[serde(default)]
            pub api_version: String,
            /// The kind name.
            #[serde(default)]
            pub kind: String,
            /// Standard object metadata.
            #[serde(default)]
            pub metadata: $crate::meta::ObjectMeta,
            /// The desired state.
            pub spec: $spec,
            $(
            /// The observed state, written by controllers.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub status: Option<$status>,
            )?
        }

        impl $name {
            /// A new object with the given name and spec, in the storage version.
            #[must_use]
            pub fn new(name: &str, spec: $spec) -> Self {
                let mut metadata = $crate::meta::ObjectMeta::default();
                metadata.name = Some(name.to_owned());
                Self {
                    api_version: $crate::object::api_version_of($group, $version),
                    kind: $kind.to_owned(),
                    metadata,
                    spec,
                    $( status: None::<$status>, )?
                }
            }

            /// Sets the namespace.
            #[must_use]
            pub fn in_namespace(mut self, namespace: &str) -> Self {
                self.metadata.namespace = Some(namespace.to_owned());
                self
            }
        }

        impl $crate::object::ApiObject for $name {
            const GROUP: &'static str = $group;
            const KIND: &'static str = $kind;
            const VERSION: &'static str = $version;
            const PLURAL: &'static str = $plural;
            const NAMESPACED: bool = $namespaced;
            const VERSIONS: &'static [&'static str] = &[$($versions),+];

            fn metadata(&self) -> &$crate::meta::ObjectMeta {
                &self.metadata
            }
            fn metadata_mut(&mut self) -> &mut $crate::meta::ObjectMeta {
                &mut self.metadata
            }
            fn api_version(&self) -> &str {
                &self.api_version
            }
        }

        #[cfg(feature = "kube")]
        impl ::kube_core::Resource for $name {
            type DynamicType = ();
            type Scope = $crate::object::scope!($namespaced);

            fn kind(_: &()) -> ::std::borrow::Cow<'_, str> {
                $kind.into()
            }
            fn group(_: &()) -> ::std::borrow::Cow<'_, str> {
                $group.into()
            }
            fn version(_: &()) -> ::std::borrow::Cow<'_, str> {
                $version.into()
            }
            fn plural(_: &()) -> ::std::borrow::Cow<'_, str> {
                $plural.into()
            }
            fn meta(&self) -> &$crate::meta::ObjectMeta {
                &self.metadata
            }
            fn meta_mut(&mut self) -> &mut $crate::meta::ObjectMeta {
                &mut self.metadata
            }
        }
    };
}

#[cfg(feature = "kube")]
macro_rules! scope {
    (true) => {
        ::k8s_openapi::NamespaceResourceScope
    };
    (false) => {
        ::k8s_openapi::ClusterResourceScope
    };
}

pub(crate) use api_object;
#[cfg(feature = "kube")]
pub(crate) use scope;

/// `group/version`, or `version` alone for the core group.
#[must_use]
pub fn api_version_of(group: &str, version: &str) -> String {
    if group.is_empty() {
        version.to_owned()
    } else {
        format!("{group}/{version}")
    }
}

/// Splits an `apiVersion` into group and version (`v1` is the core group).
#[must_use]
pub fn split_api_version(api_version: &str) -> (&str, &str) {
    match api_version.rsplit_once('/') {
        Some((group, version)) => (group, version),
        None => ("", api_version),
    }
}

macro_rules! objects {
    ( $( $(#[$attr:meta])* $variant:ident ( $ty:path ), )+ ) => {
        /// Any object the loader knows, one variant per kind.
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize)]
        #[serde(untagged)]
        #[non_exhaustive]
        #[allow(clippy::large_enum_variant)] // objects are built once per document; boxing buys nothing
        pub enum Object {
            $( $(#[$attr])* #[doc = concat!("A `", stringify!($variant), "`.")] $variant($ty), )+
        }

        impl Object {
            /// The kind name, as written in `kind:`.
            #[must_use]
            pub fn kind(&self) -> &'static str {
                match self {
                    $( $(#[$attr])* Self::$variant(_) => <$ty as ApiObject>::KIND, )+
                }
            }

            /// The API group of the kind.
            #[must_use]
            pub fn group(&self) -> &'static str {
                match self {
                    $( $(#[$attr])* Self::$variant(_) => <$ty as ApiObject>::GROUP, )+
                }
            }

            /// The kind's resource name in API paths (`httproutes`).
            #[must_use]
            pub fn plural(&self) -> &'static str {
                match self {
                    $( $(#[$attr])* Self::$variant(_) => <$ty as ApiObject>::PLURAL, )+
                }
            }

            /// The object's metadata.
            #[must_use]
            pub fn metadata(&self) -> &ObjectMeta {
                match self {
                    $( $(#[$attr])* Self::$variant(o) => o.metadata(), )+
                }
            }

            /// The object's metadata, mutably.
            pub fn metadata_mut(&mut self) -> &mut ObjectMeta {
                match self {
                    $( $(#[$attr])* Self::$variant(o) => o.metadata_mut(), )+
                }
            }

            /// The `apiVersion` the object was written with.
            #[must_use]
            pub fn api_version(&self) -> &str {
                match self {
                    $( $(#[$attr])* Self::$variant(o) => ApiObject::api_version(o), )+
                }
            }

            /// Inserts the CRD defaults into absent fields.
            pub fn apply_defaults(&mut self) {
                match self {
                    $( $(#[$attr])* Self::$variant(o) => o.apply_defaults(), )+
                }
            }

            /// Whether objects of this kind are namespaced.
            #[must_use]
            pub fn is_namespaced(&self) -> bool {
                match self {
                    $( $(#[$attr])* Self::$variant(_) => <$ty as ApiObject>::NAMESPACED, )+
                }
            }

            /// Reads an object of the kind named by `group` and `kind` from a
            /// deserializer. `None` when the crate does not know the kind.
            ///
            /// # Errors
            ///
            /// The deserializer's error when the data does not fit the kind.
            pub fn deserialize_kind<'de, D: ::serde::Deserializer<'de>>(
                group: &str,
                kind: &str,
                deserializer: D,
            ) -> Option<Result<Self, D::Error>> {
                $(
                    $(#[$attr])*
                    if group == <$ty as ApiObject>::GROUP && kind == <$ty as ApiObject>::KIND {
                        return Some(<$ty as ::serde::Deserialize>::deserialize(deserializer).map(Self::$variant));
                    }
                )+
                None
            }

            /// Whether the crate knows the kind (and so whether it can load it).
            #[must_use]
            pub fn knows_kind(group: &str, kind: &str) -> bool {
                $(
                    $(#[$attr])*
                    if group == <$ty as ApiObject>::GROUP && kind == <$ty as ApiObject>::KIND {
                        return true;
                    }
                )+
                false
            }

            /// The versions the crate can read for a kind, if it knows the kind.
            #[must_use]
            pub fn versions_of(group: &str, kind: &str) -> Option<&'static [&'static str]> {
                $(
                    $(#[$attr])*
                    if group == <$ty as ApiObject>::GROUP && kind == <$ty as ApiObject>::KIND {
                        return Some(<$ty as ApiObject>::VERSIONS);
                    }
                )+
                None
            }
        }

        $(
            $(#[$attr])*
            impl From<$ty> for Object {
                fn from(o: $ty) -> Self {
                    Self::$variant(o)
                }
            }
        )+
    };
}

objects! {
    GatewayClass(crate::gateway_class::GatewayClass),
    Gateway(crate::gateway::Gateway),
    ListenerSet(crate::listener_set::ListenerSet),
    HttpRoute(crate::http_route::HttpRoute),
    GrpcRoute(crate::grpc_route::GrpcRoute),
    TlsRoute(crate::tls_route::TlsRoute),
    TcpRoute(crate::tcp_route::TcpRoute),
    UdpRoute(crate::udp_route::UdpRoute),
    ReferenceGrant(crate::reference_grant::ReferenceGrant),
    BackendTlsPolicy(crate::backend_tls_policy::BackendTlsPolicy),
    #[cfg(feature = "experimental")]
    XBackend(crate::x::XBackend),
    #[cfg(feature = "experimental")]
    XBackendTrafficPolicy(crate::x::XBackendTrafficPolicy),
    #[cfg(feature = "experimental")]
    XMesh(crate::x::XMesh),
    Namespace(crate::core::Namespace),
    Service(crate::core::Service),
    Secret(crate::core::Secret),
    ConfigMap(crate::core::ConfigMap),
}
