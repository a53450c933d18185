//! The router and its builder.

use std::sync::Arc;

use gateway_types::routing::{GatewayRouting, ListenerRouting};

use crate::error::BuildError;
use crate::input::Input;
use crate::matched::{Match, StreamMatch};

/// Router options. Setters take and return the value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Config {}

impl Config {
    /// Default options.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }
}

/// Collects listeners and their routes, then compiles a [`Router`].
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct RouterBuilder {
    config: Config,
    listeners: Vec<ListenerRouting>,
}

impl RouterBuilder {
    /// Sets the options.
    pub fn configure(&mut self, config: Config) -> &mut Self {
        self.config = config;
        self
    }

    /// Adds one listener with its attached routes.
    pub fn add_listener(&mut self, listener: ListenerRouting) -> &mut Self {
        self.listeners.push(listener);
        self
    }

    /// Adds every listener of a Gateway's routing view.
    pub fn add_gateway(&mut self, gateway: &GatewayRouting) -> &mut Self {
        self.listeners.extend(gateway.listeners.iter().cloned());
        self
    }

    /// Compiles the router.
    ///
    /// # Errors
    ///
    /// Every rule that cannot be compiled, with the route and rule it came from.
    pub fn build(&self) -> Result<Router, Vec<BuildError>> {
        Ok(Router {
            inner: Arc::new(Inner {
                listeners: self.listeners.clone(),
            }),
        })
    }
}

#[derive(Debug)]
struct Inner {
    listeners: Vec<ListenerRouting>,
}

/// A compiled, immutable router. Cheap to clone; `Send + Sync`.
#[derive(Debug, Clone)]
#[must_use]
pub struct Router {
    inner: Arc<Inner>,
}

impl Router {
    /// A builder.
    pub fn builder() -> RouterBuilder {
        RouterBuilder::default()
    }

    /// The rule that wins for an HTTP or gRPC request, or `None` (404).
    #[must_use]
    pub fn route_input(&self, input: &Input<'_>) -> Option<Match<'_>> {
        let _ = (input, &self.inner.listeners);
        None
    }

    /// The route that wins for a TLS stream with this SNI on `port`.
    #[must_use]
    pub fn route_tls(&self, port: u16, sni: &str) -> Option<StreamMatch<'_>> {
        let _ = (port, sni);
        None
    }

    /// The route that wins for a TCP connection on `port`.
    #[must_use]
    pub fn route_tcp(&self, port: u16) -> Option<StreamMatch<'_>> {
        let _ = port;
        None
    }

    /// The route that wins for UDP traffic on `port`.
    #[must_use]
    pub fn route_udp(&self, port: u16) -> Option<StreamMatch<'_>> {
        let _ = port;
        None
    }
}

impl Router {
    /// Matches a request and applies the winning rule's filters.
    ///
    /// `random` picks the backend by weight (any `u32`; the same value always
    /// picks the same backend), so that callers and tests control the choice.
    #[must_use]
    pub fn decide(&self, input: &Input<'_>, random: u32) -> crate::decision::Decision {
        let _ = random;
        let _ = self.route_input(input);
        crate::decision::Decision {
            action: crate::decision::Action::Respond { status: 404 },
            rule: None,
            backends: Vec::new(),
            upstream: None,
            response: crate::decision::ResponseEdits::default(),
            mirrors: Vec::new(),
        }
    }
}
