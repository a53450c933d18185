//! Condition types and reasons, with the specification's exact strings.

macro_rules! spec_strings {
    ($(#[$meta:meta])* $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $s:literal, )+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// The exact string the specification uses.
            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self {
                    $( Self::$variant => $s, )+
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

spec_strings! {
    /// Condition types, in the order the specification introduces them.
    ConditionType {
        /// The object (or route parent) is accepted.
        Accepted = "Accepted",
        /// The configuration is in the data plane.
        Programmed = "Programmed",
        /// Every reference resolved.
        ResolvedRefs = "ResolvedRefs",
        /// The listener conflicts with another.
        Conflicted = "Conflicted",
        /// TLS listeners on one port overlap in hostnames or certificates.
        OverlappingTlsConfig = "OverlappingTLSConfig",
        /// Some rules of a route were dropped.
        PartiallyInvalid = "PartiallyInvalid",
        /// The GatewayClass's CRD version is supported.
        SupportedVersion = "SupportedVersion",
        /// Frontend validation allows insecure fallback.
        InsecureFrontendValidationMode = "InsecureFrontendValidationMode",
        /// The Gateway is a default Gateway.
        DefaultGateway = "DefaultGateway",
    }
}

spec_strings! {
    /// Condition reasons, grouped as the specification lists them.
    Reason {
        /// Accepted.
        Accepted = "Accepted",
        /// Programmed.
        Programmed = "Programmed",
        /// References resolved.
        ResolvedRefs = "ResolvedRefs",
        /// Not yet processed.
        Pending = "Pending",
        /// Something is invalid.
        Invalid = "Invalid",
        /// GatewayClass parameters are invalid.
        InvalidParameters = "InvalidParameters",
        /// The class is not supported.
        Unsupported = "Unsupported",
        /// The CRD version is supported.
        SupportedVersion = "SupportedVersion",
        /// The CRD version is not supported.
        UnsupportedVersion = "UnsupportedVersion",
        /// Some or all listeners are not valid.
        ListenersNotValid = "ListenersNotValid",
        /// Some listeners have unresolved references.
        ListenersNotResolved = "ListenersNotResolved",
        /// An address type is not supported.
        UnsupportedAddress = "UnsupportedAddress",
        /// An address cannot be used.
        AddressNotUsable = "AddressNotUsable",
        /// No address was assigned.
        AddressNotAssigned = "AddressNotAssigned",
        /// Not enough resources.
        NoResources = "NoResources",
        /// The Gateway-level client certificate is invalid.
        InvalidClientCertificateRef = "InvalidClientCertificateRef",
        /// Frontend validation configuration changed.
        ConfigurationChanged = "ConfigurationChanged",
        /// The port is not available.
        PortUnavailable = "PortUnavailable",
        /// The listener protocol is not supported.
        UnsupportedProtocol = "UnsupportedProtocol",
        /// A value is not supported.
        UnsupportedValue = "UnsupportedValue",
        /// No usable CA certificate.
        NoValidCaCertificate = "NoValidCACertificate",
        /// Listeners conflict on hostname.
        HostnameConflict = "HostnameConflict",
        /// Listeners conflict on protocol.
        ProtocolConflict = "ProtocolConflict",
        /// No conflicts.
        NoConflicts = "NoConflicts",
        /// Hostnames of TLS listeners overlap.
        OverlappingHostnames = "OverlappingHostnames",
        /// Certificates of TLS listeners overlap.
        OverlappingCertificates = "OverlappingCertificates",
        /// A certificate reference is invalid.
        InvalidCertificateRef = "InvalidCertificateRef",
        /// Some allowed route kinds are invalid.
        InvalidRouteKinds = "InvalidRouteKinds",
        /// A cross-namespace reference has no ReferenceGrant.
        RefNotPermitted = "RefNotPermitted",
        /// A CA certificate reference is invalid.
        InvalidCaCertificateRef = "InvalidCACertificateRef",
        /// A CA certificate reference has an unsupported kind.
        InvalidCaCertificateKind = "InvalidCACertificateKind",
        /// Too many listeners.
        TooManyListeners = "TooManyListeners",
        /// The ListenerSet is not allowed by its Gateway.
        NotAllowed = "NotAllowed",
        /// The parent Gateway is not accepted.
        ParentNotAccepted = "ParentNotAccepted",
        /// The parent Gateway is not programmed.
        ParentNotProgrammed = "ParentNotProgrammed",
        /// No listener allows the route.
        NotAllowedByListeners = "NotAllowedByListeners",
        /// No listener hostname intersects the route's.
        NoMatchingListenerHostname = "NoMatchingListenerHostname",
        /// No parent (or section) matches the reference.
        NoMatchingParent = "NoMatchingParent",
        /// Filters cannot be combined.
        IncompatibleFilters = "IncompatibleFilters",
        /// A backend kind is not supported.
        InvalidKind = "InvalidKind",
        /// A backend does not exist.
        BackendNotFound = "BackendNotFound",
        /// A policy conflicts with an older one.
        Conflicted = "Conflicted",
        /// A policy target does not exist.
        TargetNotFound = "TargetNotFound",
        /// The Gateway is a default Gateway (`spec.defaultScope: All`).
        DefaultGateway = "DefaultGateway",
    }
}
