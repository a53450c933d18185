//! Valid objects that together hold every field of every kind, for the
//! constraint tests. Each is admitted without findings in the channels it
//! is listed for.

use crate::Channel;

/// A fixture: the channels it is valid in, and its YAML.
pub(super) struct Fixture {
    pub(super) channels: &'static [Channel],
    pub(super) yaml: &'static str,
}

const BOTH: &[Channel] = &[Channel::Standard, Channel::Experimental];
const EXP: &[Channel] = &[Channel::Experimental];

pub(super) const FIXTURES: &[Fixture] = &[
    Fixture {
        channels: BOTH,
        yaml: "
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: example}
spec:
  controllerName: example.com/gateway
  description: the example class
  parametersRef: {group: example.com, kind: Params, name: p, namespace: infra}
",
    },
    Fixture {
        channels: BOTH,
        yaml: "
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: default}
spec:
  gatewayClassName: example
  addresses:
  - {type: IPAddress, value: 10.0.0.1}
  listeners:
  - name: https
    hostname: a.example
    port: 443
    protocol: HTTPS
    tls:
      mode: Terminate
      certificateRefs: [{group: '', kind: Secret, name: cert, namespace: certs}]
      options: {example.com/opt: v}
    allowedRoutes:
      namespaces:
        from: Selector
        selector:
          matchLabels: {team: a}
          matchExpressions: [{key: env, operator: In, values: [prod]}]
      kinds: [{group: gateway.networking.k8s.io, kind: HTTPRoute}]
  infrastructure:
    labels: {team: a}
    annotations: {example.com/owner: a}
    parametersRef: {group: example.com, kind: Params, name: p}
  allowedListeners:
    namespaces:
      from: Selector
      selector:
        matchLabels: {gw: a}
        matchExpressions: [{key: env, operator: In, values: [prod]}]
  tls:
    backend:
      clientCertificateRef: {group: '', kind: Secret, name: client, namespace: certs}
    frontend:
      default:
        validation:
          caCertificateRefs: [{group: '', kind: ConfigMap, name: ca, namespace: certs}]
          mode: AllowValidOnly
      perPort:
      - port: 443
        tls:
          validation:
            caCertificateRefs: [{group: '', kind: ConfigMap, name: ca2}]
            mode: AllowInsecureFallback
",
    },
    Fixture {
        channels: EXP,
        yaml: "
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: default}
spec:
  gatewayClassName: example
  defaultScope: All
  listeners:
  - {name: http, port: 80, protocol: HTTP}
",
    },
    Fixture {
        channels: BOTH,
        yaml: "
apiVersion: gateway.networking.k8s.io/v1
kind: ListenerSet
metadata: {name: extra, namespace: default}
spec:
  parentRef: {group: gateway.networking.k8s.io, kind: Gateway, name: gw, namespace: default}
  listeners:
  - name: https
    hostname: b.example
    port: 443
    protocol: HTTPS
    tls:
      mode: Terminate
      certificateRefs: [{group: '', kind: Secret, name: cert, namespace: certs}]
      options: {example.com/opt: v}
    allowedRoutes:
      namespaces:
        from: Same
        selector:
          matchLabels: {team: a}
          matchExpressions: [{key: env, operator: In, values: [prod]}]
      kinds: [{group: gateway.networking.k8s.io, kind: HTTPRoute}]
",
    },
    Fixture {
        channels: BOTH,
        yaml: "
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: default}
spec:
  parentRefs:
  - {group: gateway.networking.k8s.io, kind: Gateway, name: gw, namespace: infra, sectionName: https, port: 443}
  hostnames: [a.example]
  rules:
  - name: main
    matches:
    - path: {type: PathPrefix, value: /a}
      headers: [{type: Exact, name: x-a, value: b}]
      queryParams: [{type: Exact, name: q, value: v}]
      method: GET
    filters:
    - type: ExtensionRef
      extensionRef: {group: example.com, kind: Filter, name: f}
    - type: RequestHeaderModifier
      requestHeaderModifier:
        set: [{name: x-set, value: a}]
        add: [{name: x-add, value: b}]
        remove: [x-remove]
    - type: ResponseHeaderModifier
      responseHeaderModifier:
        set: [{name: x-set, value: a}]
        add: [{name: x-add, value: b}]
        remove: [x-remove]
    - type: RequestMirror
      requestMirror:
        backendRef: {group: '', kind: Service, name: mirror, namespace: other, port: 8080}
        fraction: {numerator: 1, denominator: 2}
    - type: CORS
      cors:
        allowOrigins: ['https://a.example']
        allowCredentials: true
        allowMethods: [GET]
        allowHeaders: [x-h]
        exposeHeaders: [x-e]
        maxAge: 10
    - type: URLRewrite
      urlRewrite:
        hostname: b.example
        path: {type: ReplacePrefixMatch, replacePrefixMatch: /b}
    backendRefs:
    - group: ''
      kind: Service
      name: svc
      namespace: other
      port: 80
      weight: 1
      filters:
      - type: ExtensionRef
        extensionRef: {group: example.com, kind: Filter, name: f}
      - type: RequestMirror
        requestMirror:
          backendRef: {name: mirror, port: 8080}
          percent: 10
    timeouts: {request: 10s, backendRequest: 5s}
  - matches:
    - path: {type: Exact, value: /redirect}
    filters:
    - type: RequestRedirect
      requestRedirect:
        scheme: https
        hostname: b.example
        path: {type: ReplaceFullPath, replaceFullPath: /new}
        port: 443
        statusCode: 301
  - filters:
    - type: URLRewrite
      urlRewrite:
        path: {type: ReplaceFullPath, replaceFullPath: /full}
    backendRefs: [{name: svc, port: 80}]
  - filters:
    - type: RequestRedirect
      requestRedirect:
        path: {type: ReplacePrefixMatch, replacePrefixMatch: /p}
",
    },
    Fixture {
        channels: BOTH,
        yaml: "
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: backend-filters, namespace: default}
spec:
  rules:
  - filters:
    - type: RequestMirror
      requestMirror:
        backendRef: {name: mirror, port: 8080}
        percent: 50
    backendRefs:
    - name: b1
      port: 80
      filters:
      - type: ExtensionRef
        extensionRef: {group: example.com, kind: Filter, name: f}
      - type: RequestHeaderModifier
        requestHeaderModifier:
          set: [{name: x-set, value: a}]
          add: [{name: x-add, value: b}]
          remove: [x-remove]
      - type: ResponseHeaderModifier
        responseHeaderModifier:
          set: [{name: x-set, value: a}]
          add: [{name: x-add, value: b}]
          remove: [x-remove]
      - type: RequestMirror
        requestMirror:
          backendRef: {group: '', kind: Service, name: mirror, namespace: other, port: 8080}
          fraction: {numerator: 1, denominator: 2}
      - type: CORS
        cors:
          allowOrigins: ['https://a.example']
          allowCredentials: true
          allowMethods: [GET]
          allowHeaders: [x-h]
          exposeHeaders: [x-e]
          maxAge: 10
      - type: URLRewrite
        urlRewrite:
          hostname: b.example
          path: {type: ReplacePrefixMatch, replacePrefixMatch: /b}
    - name: b2
      port: 80
      filters:
      - type: RequestRedirect
        requestRedirect:
          scheme: https
          hostname: b.example
          path: {type: ReplaceFullPath, replaceFullPath: /new}
          port: 443
          statusCode: 301
    - name: b3
      port: 80
      filters:
      - type: URLRewrite
        urlRewrite:
          path: {type: ReplaceFullPath, replaceFullPath: /full}
    - name: b4
      port: 80
      filters:
      - type: RequestRedirect
        requestRedirect:
          path: {type: ReplacePrefixMatch, replacePrefixMatch: /p}
",
    },
    Fixture {
        channels: EXP,
        yaml: "
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: default}
spec:
  useDefaultGateways: All
  rules:
  - name: auth
    filters:
    - type: ExternalAuth
      externalAuth:
        protocol: HTTP
        backendRef: {group: '', kind: Service, name: auth, namespace: other, port: 80}
        http:
          path: /check
          allowedHeaders: [x-a]
          allowedResponseHeaders: [x-b]
        forwardBody: {maxSize: 1024}
    backendRefs:
    - name: svc
      port: 80
      filters:
      - type: ExternalAuth
        externalAuth:
          protocol: GRPC
          backendRef: {name: auth, port: 80}
          grpc: {allowedHeaders: [x-a]}
    retry: {codes: [500], attempts: 2, backoff: 1s}
    sessionPersistence:
      sessionName: s
      absoluteTimeout: 1h
      type: Cookie
      cookieConfig: {lifetimeType: Permanent}
  - name: auth2
    filters:
    - type: ExternalAuth
      externalAuth:
        protocol: GRPC
        backendRef: {name: auth, port: 80}
        grpc: {allowedHeaders: [x-a]}
    backendRefs:
    - name: svc
      port: 80
      filters:
      - type: ExternalAuth
        externalAuth:
          protocol: HTTP
          backendRef: {group: '', kind: Service, name: auth, namespace: other, port: 80}
          http:
            path: /check
            allowedHeaders: [x-a]
            allowedResponseHeaders: [x-b]
          forwardBody: {maxSize: 1024}
",
    },
    Fixture {
        channels: BOTH,
        yaml: "
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: grpc, namespace: default}
spec:
  parentRefs: [{name: gw}]
  hostnames: [a.example]
  rules:
  - name: main
    matches:
    - method: {type: RegularExpression, service: svc, method: get}
      headers: [{type: Exact, name: x-a, value: b}]
    filters:
    - type: ExtensionRef
      extensionRef: {group: example.com, kind: Filter, name: f}
    - type: RequestHeaderModifier
      requestHeaderModifier:
        set: [{name: x-set, value: a}]
        add: [{name: x-add, value: b}]
        remove: [x-remove]
    - type: ResponseHeaderModifier
      responseHeaderModifier:
        set: [{name: x-set, value: a}]
        add: [{name: x-add, value: b}]
        remove: [x-remove]
    - type: RequestMirror
      requestMirror:
        backendRef: {group: '', kind: Service, name: mirror, namespace: other, port: 8080}
        fraction: {numerator: 1, denominator: 2}
    backendRefs:
    - group: ''
      kind: Service
      name: svc
      namespace: other
      port: 9000
      weight: 1
      filters:
      - type: ExtensionRef
        extensionRef: {group: example.com, kind: Filter, name: f}
      - type: RequestHeaderModifier
        requestHeaderModifier:
          set: [{name: x-set, value: a}]
          add: [{name: x-add, value: b}]
          remove: [x-remove]
      - type: ResponseHeaderModifier
        responseHeaderModifier:
          set: [{name: x-set, value: a}]
          add: [{name: x-add, value: b}]
          remove: [x-remove]
      - type: RequestMirror
        requestMirror:
          backendRef: {group: '', kind: Service, name: mirror, namespace: other, port: 8080}
          fraction: {numerator: 1, denominator: 2}
  - filters:
    - type: RequestMirror
      requestMirror:
        backendRef: {name: mirror, port: 8080}
        percent: 50
    backendRefs:
    - name: svc
      port: 9000
      filters:
      - type: RequestMirror
        requestMirror:
          backendRef: {name: mirror, port: 8080}
          percent: 50
",
    },
    Fixture {
        channels: EXP,
        yaml: "
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: grpc, namespace: default}
spec:
  useDefaultGateways: None
  rules:
  - sessionPersistence:
      sessionName: s
      absoluteTimeout: 1h
      type: Cookie
      cookieConfig: {lifetimeType: Session}
",
    },
    Fixture {
        channels: BOTH,
        yaml: "
apiVersion: gateway.networking.k8s.io/v1
kind: TLSRoute
metadata: {name: tls, namespace: default}
spec:
  parentRefs: [{name: gw, sectionName: tls}]
  hostnames: [a.example]
  rules:
  - name: main
    backendRefs:
    - {group: '', kind: Service, name: svc, namespace: other, port: 443, weight: 1}
",
    },
    Fixture {
        channels: EXP,
        yaml: "
apiVersion: gateway.networking.k8s.io/v1alpha2
kind: TLSRoute
metadata: {name: tls, namespace: default}
spec:
  useDefaultGateways: All
  parentRefs: [{name: gw}]
  hostnames: [a.example]
  rules:
  - name: main
    backendRefs: [{name: svc, port: 443}]
",
    },
    Fixture {
        channels: BOTH,
        yaml: "
apiVersion: gateway.networking.k8s.io/v1
kind: TCPRoute
metadata: {name: tcp, namespace: default}
spec:
  parentRefs: [{name: gw}]
  rules:
  - name: main
    backendRefs:
    - {group: '', kind: Service, name: svc, namespace: other, port: 5432, weight: 1}
",
    },
    Fixture {
        channels: EXP,
        yaml: "
apiVersion: gateway.networking.k8s.io/v1alpha2
kind: TCPRoute
metadata: {name: tcp, namespace: default}
spec:
  useDefaultGateways: All
  parentRefs:
  - {group: gateway.networking.k8s.io, kind: Gateway, name: gw, namespace: infra, sectionName: l4, port: 5000}
  rules:
  - name: main
    backendRefs: [{name: svc, port: 5432}]
",
    },
    Fixture {
        channels: BOTH,
        yaml: "
apiVersion: gateway.networking.k8s.io/v1
kind: UDPRoute
metadata: {name: udp, namespace: default}
spec:
  parentRefs: [{name: gw}]
  rules:
  - name: main
    backendRefs:
    - {group: '', kind: Service, name: svc, namespace: other, port: 53, weight: 1}
",
    },
    Fixture {
        channels: EXP,
        yaml: "
apiVersion: gateway.networking.k8s.io/v1alpha2
kind: UDPRoute
metadata: {name: udp, namespace: default}
spec:
  useDefaultGateways: All
  parentRefs:
  - {group: gateway.networking.k8s.io, kind: Gateway, name: gw, namespace: infra, sectionName: l4, port: 5000}
  rules:
  - name: main
    backendRefs: [{name: svc, port: 53}]
",
    },
    Fixture {
        channels: BOTH,
        yaml: "
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: {name: grant, namespace: other}
spec:
  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: default}]
  to: [{group: '', kind: Service, name: svc}]
",
    },
    Fixture {
        channels: BOTH,
        yaml: "
apiVersion: gateway.networking.k8s.io/v1
kind: BackendTLSPolicy
metadata: {name: p, namespace: default}
spec:
  targetRefs: [{group: '', kind: Service, name: svc, sectionName: https}]
  options: {example.com/opt: v}
  validation:
    caCertificateRefs: [{group: '', kind: ConfigMap, name: ca}]
    hostname: svc.example
    subjectAltNames:
    - {type: Hostname, hostname: svc.example}
    - {type: URI, uri: 'spiffe://trust.example/svc'}
",
    },
    Fixture {
        channels: BOTH,
        yaml: "
apiVersion: gateway.networking.k8s.io/v1
kind: BackendTLSPolicy
metadata: {name: p, namespace: default}
spec:
  targetRefs: [{group: '', kind: Service, name: svc}]
  validation:
    wellKnownCACertificates: System
    hostname: svc.example
",
    },
    Fixture {
        channels: EXP,
        yaml: "
apiVersion: gateway.networking.k8s.io/v1
kind: TLSRoute
metadata: {name: l4, namespace: default}
spec:
  useDefaultGateways: None
  hostnames: [a.example]
  rules:
  - backendRefs: [{name: svc, port: 1}]
",
    },
    Fixture {
        channels: EXP,
        yaml: "
apiVersion: gateway.networking.k8s.io/v1
kind: TCPRoute
metadata: {name: l4, namespace: default}
spec:
  useDefaultGateways: None
  rules:
  - backendRefs: [{name: svc, port: 1}]
",
    },
    Fixture {
        channels: EXP,
        yaml: "
apiVersion: gateway.networking.k8s.io/v1
kind: UDPRoute
metadata: {name: l4, namespace: default}
spec:
  useDefaultGateways: None
  rules:
  - backendRefs: [{name: svc, port: 1}]
",
    },
    Fixture {
        channels: EXP,
        yaml: "
apiVersion: gateway.networking.x-k8s.io/v1alpha1
kind: XBackend
metadata: {name: b, namespace: default}
spec:
  type: ExternalHostname
  port: {port: 443, name: https}
  externalHostname: {hostname: api.example.com}
  protocol: HTTP2
  tls:
    mode: ClientAndServer
    clientCertificateRef: {group: '', kind: Secret, name: client, namespace: certs}
    validation:
      caCertificateRefs: [{group: '', kind: ConfigMap, name: ca}]
      hostname: api.example.com
      subjectAltNames:
      - {type: Hostname, hostname: api.example.com}
      - {type: URI, uri: 'spiffe://trust.example/api'}
",
    },
    Fixture {
        channels: EXP,
        yaml: "
apiVersion: gateway.networking.x-k8s.io/v1alpha1
kind: XBackend
metadata: {name: b, namespace: default}
spec:
  type: ExternalHostname
  port: {port: 443}
  externalHostname: {hostname: api.example.com}
  tls:
    mode: ServerOnly
    validation:
      wellKnownCACertificates: System
      hostname: api.example.com
",
    },
    Fixture {
        channels: EXP,
        yaml: "
apiVersion: gateway.networking.x-k8s.io/v1alpha1
kind: XBackendTrafficPolicy
metadata: {name: p, namespace: default}
spec:
  targetRefs: [{group: '', kind: Service, name: svc}]
  retryConstraint:
    budget: {percent: 20, interval: 10s}
    minRetryRate: {count: 10, interval: 1s}
  sessionPersistence:
    sessionName: s
    absoluteTimeout: 1h
    type: Cookie
    cookieConfig: {lifetimeType: Permanent}
",
    },
    Fixture {
        channels: EXP,
        yaml: "
apiVersion: gateway.networking.x-k8s.io/v1alpha1
kind: XMesh
metadata: {name: mesh}
spec:
  controllerName: example.com/mesh
  description: the mesh
  parametersRef: {group: example.com, kind: Params, name: p, namespace: infra}
",
    },
];
