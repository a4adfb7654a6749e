//! Bytes → text, the first step of repair: a UTF-8 or UTF-16 byte order mark is honoured and
//! removed, valid UTF-8 is taken as it is, anything else is a legacy file whose encoding
//! chardetng guesses (French TLD hint) and encoding_rs decodes.

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};

/// Text decoded from a file's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    /// The encoding the bytes were decoded from when they were not UTF-8 (`windows-1252`,
    /// `UTF-16LE`, …).
    pub encoding: Option<&'static str>,
    /// Whether a byte order mark was found (and removed).
    pub had_bom: bool,
}

/// Bytes → text. Never fails: bytes a decoder cannot map become U+FFFD, which `repair` reports.
pub fn decode(bytes: &[u8]) -> Decoded {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let rest = &bytes[bom_len..];
        let (text, _) = encoding.decode_without_bom_handling(rest);
        let name = (encoding != UTF_8).then(|| encoding.name());
        return Decoded { text: text.into_owned(), encoding: name, had_bom: true };
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Decoded { text: text.to_string(), encoding: None, had_bom: false };
    }
    if is_mostly_utf8(bytes) {
        // A few stray bytes in a UTF-8 file: each becomes U+FFFD, which `repair` restores as a
        // lost byte where it can, or reports.
        let text = String::from_utf8_lossy(bytes).into_owned();
        return Decoded { text, encoding: None, had_bom: false };
    }
    let encoding = detect(bytes);
    let (text, _) = encoding.decode_without_bom_handling(bytes);
    Decoded { text: text.into_owned(), encoding: Some(encoding.name()), had_bom: false }
}

/// More valid multi-byte UTF-8 characters than invalid bytes: UTF-8 with damage, not a legacy file
/// (where nearly every non-ASCII byte is invalid UTF-8).
fn is_mostly_utf8(bytes: &[u8]) -> bool {
    let (mut valid, mut invalid) = (0usize, 0usize);
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(text) => {
                valid += text.bytes().filter(|&b| b >= 0xC0).count();
                break;
            }
            Err(err) => {
                let (good, bad) = rest.split_at(err.valid_up_to());
                valid += good.iter().filter(|&&b| b >= 0xC0).count();
                let skip = err.error_len().unwrap_or(bad.len());
                invalid += 1;
                rest = &bad[skip..];
            }
        }
    }
    valid > invalid
}

/// The legacy encoding of bytes that are not UTF-8, as chardetng sees it for a French site.
fn detect(bytes: &[u8]) -> &'static Encoding {
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let guessed = detector.guess(Some(b"fr"), Utf8Detection::Allow);
    // UTF-8 (invalid here) or UTF-16 without BOM would only give replacement characters.
    if guessed == UTF_8 || guessed == UTF_16LE || guessed == UTF_16BE {
        encoding_rs::WINDOWS_1252
    } else {
        guessed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_bom_is_removed_and_remembered() {
        let decoded = decode("\u{FEFF}Résolution".as_bytes());
        assert_eq!(decoded, Decoded { text: "Résolution".into(), encoding: None, had_bom: true });
    }

    #[test]
    fn utf16_with_bom_is_decoded() {
        let mut le = vec![0xFF, 0xFE];
        le.extend("Été ✅".encode_utf16().flat_map(u16::to_le_bytes));
        let mut be = vec![0xFE, 0xFF];
        be.extend("Été ✅".encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(decode(&le).text, "Été ✅");
        assert_eq!(decode(&le).encoding, Some("UTF-16LE"));
        assert_eq!(decode(&be).text, "Été ✅");
        assert_eq!(decode(&be).encoding, Some("UTF-16BE"));
    }

    #[test]
    fn valid_utf8_is_taken_as_it_is() {
        let text = "Le cœur du problème : « mémoire » – 512 Mo\r\n";
        assert_eq!(decode(text.as_bytes()).text, text);
        assert_eq!(decode(text.as_bytes()).encoding, None);
    }

    #[test]
    fn stray_bytes_in_utf8_become_replacement_characters() {
        let decoded = decode(b"D\xC3\xA9j\xC3\xA0 \xE2\x80\x9Cvu\xE2\x80\x9D et \x9D revu\n");
        assert_eq!(decoded.text, "Déjà “vu” et \u{FFFD} revu\n");
        assert_eq!(decoded.encoding, None);
    }

    #[test]
    fn legacy_french_file_is_detected_and_decoded() {
        let text = "Résolution de l'erreur : la mémoire dépasse la limite, déployez à nouveau.\n\
                    Vérifiez les paramètres « workers » et le coût en €.\n";
        let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(text);
        let decoded = decode(&bytes);
        assert_eq!(decoded.text, text);
        assert_eq!(decoded.encoding, Some("windows-1252"));
        assert!(!decoded.had_bom);
    }
}
