//! A snapshot: the set of objects a pass evaluates, as a cluster would hold them.

use std::collections::HashMap;
use std::sync::Arc;

use gateway_types::load::{Loaded, Source};
use gateway_types::routing::RouteObject;
use gateway_types::{Defaults, MetaExt, Object};

/// One object of a [`Snapshot`] and where it was read from.
///
/// A route (HTTPRoute, GRPCRoute, TLSRoute, TCPRoute, UDPRoute) is also kept
/// with the API server's defaults applied, as a cluster stores it: it is
/// defaulted once, when the entry is made, and every report's routing view
/// shares that copy instead of making its own. A snapshot therefore holds
/// each route twice: as written and defaulted.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Entry {
    /// The object, as written (defaults not applied).
    pub object: Object,
    /// Where it came from, when it was loaded from a file.
    pub source: Option<Source>,
    /// The route, defaulted and shared (`None` for other kinds).
    route: Option<RouteObject>,
}

impl Entry {
    /// An entry for `object`, read from `source` when it was loaded from a
    /// file.
    ///
    /// # Examples
    ///
    /// ```
    /// use gateway_types::http_route::{HttpRoute, HttpRouteSpec};
    /// use gateway_types::routing::RouteObject;
    /// use gateway_validate::snapshot::Entry;
    ///
    /// let entry = Entry::new(HttpRoute::new("web", HttpRouteSpec::default()).into(), None);
    /// // The defaulted copy has the API server's default rule: match every path.
    /// let Some(RouteObject::Http(route)) = entry.defaulted_route() else { panic!() };
    /// assert_eq!(route.spec.rules.as_ref().map(Vec::len), Some(1));
    /// ```
    #[must_use]
    pub fn new(object: Object, source: Option<Source>) -> Self {
        let route = defaulted_route(&object);
        Self {
            object,
            source,
            route,
        }
    }

    /// For a route, the route with the API server's defaults applied (the
    /// copy reports share); `None` for other kinds.
    #[must_use]
    pub fn defaulted_route(&self) -> Option<&RouteObject> {
        self.route.as_ref()
    }
}

/// A defaulted, shareable copy of `o` when it is a route.
fn defaulted_route(o: &Object) -> Option<RouteObject> {
    fn defaulted<T: Defaults + Clone>(r: &T) -> Arc<T> {
        Arc::new(r.clone().with_defaults())
    }
    Some(match o {
        Object::HttpRoute(r) => RouteObject::Http(defaulted(r)),
        Object::GrpcRoute(r) => RouteObject::Grpc(defaulted(r)),
        Object::TlsRoute(r) => RouteObject::Tls(defaulted(r)),
        Object::TcpRoute(r) => RouteObject::Tcp(defaulted(r)),
        Object::UdpRoute(r) => RouteObject::Udp(defaulted(r)),
        _ => return None,
    })
}

/// The objects a pass evaluates. Later inserts of the same kind, namespace
/// and name replace earlier ones, as `kubectl apply` would.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Snapshot {
    entries: Vec<Entry>,
    /// Position of each object in `entries`, by kind, namespace and name, so
    /// that inserting n objects costs O(n), not O(n²).
    index: HashMap<ObjectKey, usize>,
}

type ObjectKey = (&'static str, Option<String>, String);

impl Snapshot {
    /// An empty snapshot.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Every object the loader produced, in order.
    #[must_use]
    pub fn from_loaded(loaded: &Loaded) -> Self {
        let mut s = Self::new();
        for o in &loaded.objects {
            s.insert(o.object.clone(), Some(o.source.clone()));
        }
        s
    }

    /// Inserts an object, replacing one of the same kind, namespace and name.
    pub fn insert(&mut self, object: Object, source: Option<Source>) {
        let key = key_of(&object);
        if let Some(&i) = self.index.get(&key) {
            self.entries[i] = Entry::new(object, source);
        } else {
            self.index.insert(key, self.entries.len());
            self.entries.push(Entry::new(object, source));
        }
    }

    /// Removes the object `kind namespace/name`; returns whether it was there.
    pub fn remove(&mut self, kind: &str, namespace: Option<&str>, name: &str) -> bool {
        let before = self.entries.len();
        self.entries.retain(|e| {
            let (k, ns, n) = key_of(&e.object);
            !(k == kind && ns.as_deref() == namespace && n == name)
        });
        if self.entries.len() == before {
            return false;
        }
        self.index = self
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| (key_of(&e.object), i))
            .collect();
        true
    }

    /// The objects in insertion order.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter()
    }

    /// The number of objects.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the snapshot holds no object.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

fn key_of(o: &Object) -> ObjectKey {
    let m = o.metadata();
    let ns = if o.is_namespaced() {
        Some(m.namespace_str().unwrap_or("default").to_owned())
    } else {
        None
    };
    (o.kind(), ns, m.name_str().to_owned())
}
