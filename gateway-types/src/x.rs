//! Experimental kinds of the `gateway.networking.x-k8s.io` group.
// TODO(helper): fill in XBackend, XBackendTrafficPolicy, XMesh.
