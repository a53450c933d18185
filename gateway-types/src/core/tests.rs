use super::*;

const SERVICE: &str = r#"{
    "apiVersion": "v1",
    "kind": "Service",
    "metadata": {
        "name": "web", "namespace": "apps",
        "labels": {"app": "web"},
        "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "uid": "d1"}]
    },
    "spec": {
        "type": "LoadBalancer",
        "clusterIP": "10.0.0.12",
        "clusterIPs": ["10.0.0.12"],
        "selector": {"app": "web"},
        "sessionAffinity": "None",
        "ports": [
            {"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP", "nodePort": 30080},
            {"name": "grpc", "port": 9000, "targetPort": "grpc-port", "appProtocol": "kubernetes.io/h2c"},
            {"name": "dns", "port": 53, "protocol": "UDP"}
        ]
    },
    "status": {"loadBalancer": {"ingress": [{"ip": "192.0.2.1"}]}}
}"#;

#[test]
fn service_round_trip_keeps_typed_and_untyped_fields() {
    let svc: Service = serde_json::from_str(SERVICE).unwrap();
    let spec = svc.spec.as_ref().unwrap();
    assert_eq!(spec.type_, Some(ServiceType::LoadBalancer));
    assert_eq!(spec.cluster_ip.as_deref(), Some("10.0.0.12"));
    assert!(spec.other.contains_key("selector"));
    assert!(spec.other.contains_key("clusterIPs"));
    assert!(svc.ports()[0].other.contains_key("nodePort"));
    let original: serde_json::Value = serde_json::from_str(SERVICE).unwrap();
    assert_eq!(serde_json::to_value(&svc).unwrap(), original);
}

#[test]
fn service_typed_fields_leave_nothing_for_other_that_is_typed() {
    let svc: Service = serde_json::from_str(SERVICE).unwrap();
    let spec = svc.spec.as_ref().unwrap();
    for typed in ["type", "ports", "externalName", "clusterIP"] {
        assert!(!spec.other.contains_key(typed), "{typed} landed in other");
    }
    assert!(svc.other.is_empty(), "top level: {:?}", svc.other);
}

#[test]
fn service_port_lookup_by_number_and_by_name() {
    let svc: Service = serde_json::from_str(SERVICE).unwrap();
    assert_eq!(
        svc.port(9000).and_then(|p| p.app_protocol.as_deref()),
        Some("kubernetes.io/h2c")
    );
    assert_eq!(
        svc.port(80).and_then(|p| p.target_port.clone()),
        Some(IntOrString::Int(8080))
    );
    assert_eq!(svc.port(8080), None, "targetPort is not a service port");
    assert_eq!(svc.port_by_name("dns").map(|p| p.port), Some(53));
    assert_eq!(svc.port_by_name("https"), None);
}

#[test]
fn service_without_spec_has_no_ports() {
    let svc: Service = serde_json::from_value(serde_json::json!({
        "apiVersion": "v1", "kind": "Service", "metadata": {"name": "bare"}
    }))
    .unwrap();
    assert!(svc.ports().is_empty());
    assert_eq!(svc.port(80), None);
    assert_eq!(svc.type_or_default(), ServiceType::ClusterIp);
}

#[test]
fn target_port_is_an_int_or_a_string() {
    let svc: Service = serde_json::from_str(SERVICE).unwrap();
    assert_eq!(
        svc.port(9000).unwrap().target_port,
        Some(IntOrString::String("grpc-port".to_owned()))
    );
    let port: ServicePort =
        serde_json::from_value(serde_json::json!({"port": 1, "targetPort": -3})).unwrap();
    assert_eq!(port.target_port, Some(IntOrString::Int(-3)));
    let too_big = serde_json::from_value::<ServicePort>(
        serde_json::json!({"port": 1, "targetPort": 4_294_967_296_u64}),
    );
    assert!(too_big.is_err());
    assert!(
        serde_json::from_value::<ServicePort>(serde_json::json!({"port": 1, "targetPort": true}))
            .is_err()
    );
}

#[test]
fn service_defaults_fill_type_protocol_and_target_port() {
    let svc = Service::new(
        "web",
        ServiceSpec::with_ports(vec![ServicePort::new(80), {
            let mut p = ServicePort::new(53);
            p.protocol = Some(Protocol::Udp);
            p.target_port = Some(IntOrString::String("dns".to_owned()));
            p
        }]),
    )
    .with_defaults();
    assert_eq!(
        svc.spec.as_ref().unwrap().type_,
        Some(ServiceType::ClusterIp)
    );
    let [http, dns] = svc.ports() else {
        panic!("two ports expected");
    };
    assert_eq!(http.protocol, Some(Protocol::Tcp));
    assert_eq!(http.target_port, Some(IntOrString::Int(80)));
    assert_eq!(dns.protocol, Some(Protocol::Udp), "explicit protocol kept");
    assert_eq!(dns.target_port, Some(IntOrString::String("dns".to_owned())));
}

#[test]
fn service_keeps_unknown_enum_values() {
    let svc: Service = serde_json::from_value(serde_json::json!({
        "apiVersion": "v1", "kind": "Service", "metadata": {"name": "x"},
        "spec": {"type": "Headless", "ports": [{"port": 1, "protocol": "QUIC"}]}
    }))
    .unwrap();
    assert_eq!(
        svc.type_or_default(),
        ServiceType::Unknown("Headless".to_owned())
    );
    assert_eq!(
        svc.ports()[0].protocol_or_default(),
        Protocol::Unknown("QUIC".to_owned())
    );
    let back = serde_json::to_value(&svc).unwrap();
    assert_eq!(back["spec"]["ports"][0]["protocol"], "QUIC");
}

#[test]
fn namespace_round_trip_keeps_spec_status_and_unknown_fields() {
    let text = r#"{
        "apiVersion": "v1", "kind": "Namespace",
        "metadata": {"name": "apps", "labels": {"team": "web"}},
        "spec": {"finalizers": ["kubernetes"]},
        "status": {"phase": "Active"},
        "extra": 1
    }"#;
    let ns: Namespace = serde_json::from_str(text).unwrap();
    assert_eq!(ns.metadata.labels.as_ref().unwrap()["team"], "web");
    assert_eq!(ns.other["extra"], 1);
    let original: serde_json::Value = serde_json::from_str(text).unwrap();
    assert_eq!(serde_json::to_value(&ns).unwrap(), original);
    assert_eq!(
        Namespace::new("apps")
            .with_label("team", "web")
            .metadata
            .labels,
        ns.metadata.labels
    );
}

#[test]
fn secret_round_trip_and_data_key_decoding() {
    let text = r#"{
        "apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "cert", "namespace": "infra"},
        "type": "kubernetes.io/tls",
        "data": {"tls.crt": "Y2VydA==", "tls.key": "a2V5", "broken": "a2V5!"},
        "immutable": true
    }"#;
    let secret: Secret = serde_json::from_str(text).unwrap();
    assert_eq!(secret.type_or_default(), SECRET_TYPE_TLS);
    assert_eq!(secret.data_key("tls.crt").as_deref(), Some(&b"cert"[..]));
    assert_eq!(secret.data_key("tls.key").as_deref(), Some(&b"key"[..]));
    assert_eq!(secret.data_key("ca.crt"), None);
    assert_eq!(secret.data_key("broken"), None);
    assert_eq!(
        secret.try_data_key("broken"),
        Err(Base64Error::InvalidCharacter {
            found: '!',
            offset: 4
        })
    );
    assert_eq!(secret.other["immutable"], true);
    let original: serde_json::Value = serde_json::from_str(text).unwrap();
    assert_eq!(serde_json::to_value(&secret).unwrap(), original);
}

#[test]
fn secret_string_data_wins_over_data() {
    let secret: Secret = serde_json::from_value(serde_json::json!({
        "apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"},
        "data": {"a": "ZnJvbS1kYXRh", "b": "Yg=="},
        "stringData": {"a": "from-string-data"}
    }))
    .unwrap();
    assert_eq!(
        secret.data_key("a").as_deref(),
        Some(&b"from-string-data"[..])
    );
    assert_eq!(secret.data_key("b").as_deref(), Some(&b"b"[..]));
}

#[test]
fn secret_tls_constructor_encodes_data_and_defaults_keep_its_type() {
    let secret = Secret::tls("cert", b"CERT", b"KEY").with_defaults();
    assert_eq!(secret.type_.as_deref(), Some(SECRET_TYPE_TLS));
    assert_eq!(secret.data_key("tls.key").as_deref(), Some(&b"KEY"[..]));
    assert_eq!(
        Secret::new("s").with_defaults().type_.as_deref(),
        Some("Opaque")
    );
}

#[test]
fn config_map_round_trip_get_and_binary() {
    let text = r#"{
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "ca", "namespace": "apps"},
        "data": {"ca.crt": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"},
        "binaryData": {"blob": "AAEC"}
    }"#;
    let cm: ConfigMap = serde_json::from_str(text).unwrap();
    assert!(
        cm.get("ca.crt")
            .unwrap()
            .starts_with("-----BEGIN CERTIFICATE-----")
    );
    assert_eq!(cm.get("missing"), None);
    assert_eq!(cm.binary("blob"), Some(vec![0, 1, 2]));
    assert_eq!(cm.binary("ca.crt"), None, "binary reads binaryData only");
    let original: serde_json::Value = serde_json::from_str(text).unwrap();
    assert_eq!(serde_json::to_value(&cm).unwrap(), original);
}

#[test]
fn core_kinds_describe_the_core_group() {
    assert_eq!(<Service as ApiObject>::GROUP, "");
    assert_eq!(<Secret as ApiObject>::PLURAL, "secrets");
    const { assert!(!<Namespace as ApiObject>::NAMESPACED) };
    const { assert!(<ConfigMap as ApiObject>::NAMESPACED) };
    let svc = Service::new("web", ServiceSpec::default()).in_namespace("apps");
    assert_eq!(ApiObject::api_version(&svc), "v1");
    assert_eq!(svc.metadata().namespace.as_deref(), Some("apps"));
}

// ----- base64 -----

#[test]
fn base64_decodes_every_padding_length() {
    assert_eq!(decode_base64("").unwrap(), b"");
    assert_eq!(decode_base64("Zg==").unwrap(), b"f");
    assert_eq!(decode_base64("Zm8=").unwrap(), b"fo");
    assert_eq!(decode_base64("Zm9v").unwrap(), b"foo");
    assert_eq!(decode_base64("Zm9vYmFy").unwrap(), b"foobar");
}

#[test]
fn base64_uses_the_standard_alphabet_including_plus_and_slash() {
    assert_eq!(decode_base64("+/+/").unwrap(), [0xfb, 0xff, 0xbf]);
    assert!(matches!(
        decode_base64("-_-_"),
        Err(Base64Error::InvalidCharacter {
            found: '-',
            offset: 0
        })
    ));
}

#[test]
fn base64_ignores_line_breaks() {
    assert_eq!(decode_base64("Zm9v\nYmFy\r\n").unwrap(), b"foobar");
}

#[test]
fn base64_reports_a_bad_character_before_a_bad_length() {
    assert_eq!(
        decode_base64("a2V5!"),
        Err(Base64Error::InvalidCharacter {
            found: '!',
            offset: 4
        })
    );
}

#[test]
fn base64_rejects_missing_padding_and_bad_length() {
    assert_eq!(
        decode_base64("Zm8"),
        Err(Base64Error::InvalidLength { len: 3 })
    );
    assert_eq!(
        decode_base64("Zg"),
        Err(Base64Error::InvalidLength { len: 2 })
    );
}

#[test]
fn base64_rejects_misplaced_padding() {
    assert_eq!(
        decode_base64("Zg==Zg=="),
        Err(Base64Error::InvalidPadding { offset: 2 })
    );
    assert_eq!(
        decode_base64("Z==="),
        Err(Base64Error::InvalidPadding { offset: 1 })
    );
    assert_eq!(
        decode_base64("Zm=v"),
        Err(Base64Error::InvalidPadding { offset: 2 })
    );
}

#[test]
fn base64_reports_non_ascii_characters_without_panicking() {
    assert!(matches!(
        decode_base64("Zm9é"),
        Err(Base64Error::InvalidCharacter {
            found: 'é',
            offset: 3
        })
    ));
}

#[test]
fn base64_error_messages_suggest_the_fix() {
    let message = decode_base64("Zg").unwrap_err().to_string();
    assert!(message.contains("pad the value with '='"), "{message}");
}

#[test]
fn base64_encode_then_decode_is_the_identity() {
    let bytes: Vec<u8> = (0..=255).collect();
    for len in 0..bytes.len() {
        let encoded = encode_base64(&bytes[..len]);
        assert_eq!(encoded.len() % 4, 0);
        assert_eq!(decode_base64(&encoded).unwrap(), &bytes[..len]);
    }
    assert_eq!(encode_base64(b"foobar"), "Zm9vYmFy");
    assert_eq!(encode_base64(b"fo"), "Zm8=");
}

mod proptests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn base64_round_trips_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            prop_assert_eq!(decode_base64(&encode_base64(&bytes)).unwrap(), bytes);
        }

        #[test]
        fn base64_decoding_never_panics(text in ".{0,64}") {
            let _ = decode_base64(&text);
        }
    }
}
