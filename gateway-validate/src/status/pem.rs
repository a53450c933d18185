//! A small PEM check for certificate and key material.
//!
//! It checks the shape, not the cryptography: each PEM block must have
//! matching `BEGIN`/`END` labels and a body that decodes as base64 into a
//! DER `SEQUENCE`. Whether the key matches the certificate, whether the
//! certificate has expired, or whether it covers the listener's hostname is
//! out of scope (the data plane finds out at handshake time).

use gateway_types::core::decode_base64;

/// One well-formed PEM block.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Block {
    pub(super) label: String,
}

/// Parses every PEM block in `text`. `Err` describes the first malformed
/// block; text outside blocks is ignored, as OpenSSL does.
pub(super) fn parse(text: &[u8]) -> Result<Vec<Block>, String> {
    let Ok(text) = std::str::from_utf8(text) else {
        return Err("the data is not UTF-8 text".to_owned());
    };
    let mut blocks = Vec::new();
    let mut lines = text.lines().map(str::trim);
    while let Some(line) = lines.next() {
        let Some(label) = line
            .strip_prefix("-----BEGIN ")
            .and_then(|l| l.strip_suffix("-----"))
        else {
            continue;
        };
        let end = format!("-----END {label}-----");
        let mut body = String::new();
        let mut closed = false;
        for line in lines.by_ref() {
            if line == end {
                closed = true;
                break;
            }
            // RFC 1421 headers (Proc-Type, DEK-Info) carry a colon.
            if line.contains(':') {
                continue;
            }
            body.push_str(line);
        }
        if !closed {
            return Err(format!("the PEM block {label:?} has no END line"));
        }
        let der = decode_base64(&body)
            .map_err(|e| format!("the PEM block {label:?} is not valid base64: {e}"))?;
        if der.first() != Some(&0x30) {
            return Err(format!("the PEM block {label:?} does not hold DER data"));
        }
        blocks.push(Block {
            label: label.to_owned(),
        });
    }
    Ok(blocks)
}

/// Checks a certificate chain: at least one `CERTIFICATE` block, all blocks
/// well formed.
pub(super) fn check_certificates(text: &[u8]) -> Result<(), String> {
    let blocks = parse(text)?;
    if blocks.iter().any(|b| b.label == "CERTIFICATE") {
        Ok(())
    } else {
        Err("no PEM CERTIFICATE block found".to_owned())
    }
}

/// Checks a private key: a well-formed block whose label ends in
/// `PRIVATE KEY` (`PRIVATE KEY`, `RSA PRIVATE KEY`, `EC PRIVATE KEY`, ...).
pub(super) fn check_private_key(text: &[u8]) -> Result<(), String> {
    let blocks = parse(text)?;
    if blocks.iter().any(|b| b.label.ends_with("PRIVATE KEY")) {
        Ok(())
    } else {
        Err("no PEM PRIVATE KEY block found".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CERT: &str = "-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n";
    const KEY: &str = "-----BEGIN RSA PRIVATE KEY-----\nMAMCAQE=\n-----END RSA PRIVATE KEY-----\n";

    #[test]
    fn well_formed_certificate_and_key_pass() {
        assert_eq!(check_certificates(CERT.as_bytes()), Ok(()));
        assert_eq!(check_private_key(KEY.as_bytes()), Ok(()));
        let chain = format!("{CERT}{CERT}");
        assert_eq!(parse(chain.as_bytes()).map(|b| b.len()), Ok(2));
    }

    #[test]
    fn plain_text_is_not_a_certificate() {
        assert!(check_certificates(b"Hello world\n").is_err());
        assert!(check_private_key(b"Hello world\n").is_err());
    }

    #[test]
    fn a_key_is_not_a_certificate_and_the_reverse() {
        assert!(check_certificates(KEY.as_bytes()).is_err());
        assert!(check_private_key(CERT.as_bytes()).is_err());
    }

    #[test]
    fn broken_blocks_are_rejected() {
        let unterminated = "-----BEGIN CERTIFICATE-----\nMAMCAQE=\n";
        assert!(check_certificates(unterminated.as_bytes()).is_err());
        let bad_base64 = "-----BEGIN CERTIFICATE-----\nMA*CAQE=\n-----END CERTIFICATE-----\n";
        assert!(check_certificates(bad_base64.as_bytes()).is_err());
        let not_der = "-----BEGIN CERTIFICATE-----\naGVsbG8=\n-----END CERTIFICATE-----\n";
        assert!(check_certificates(not_der.as_bytes()).is_err());
        assert!(check_certificates(&[0xff, 0xfe]).is_err());
    }
}
