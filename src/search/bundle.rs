//! Compressed JSON text: the page bundles (`b/N.js`: `bundle`, `pages_per_bundle` pages each)
//! and the postings files (`t/N.js`), zlib-compressed and given as base64 text in a JSON string,
//! which the engine inflates (`DecompressionStream`).

/// About this many page bundles per square root of the page count (800 for 10,000 pages, one
/// page a bundle up to 64 pages).
const BUNDLES_PER_ROOT: f64 = 8.0;

/// A bundle's data: the JSON array of its pages' data (`results::page_json`), compressed.
pub(super) fn bundle(pages: &[String]) -> String {
    quoted_base64(format!("[{}]", pages.join(",")))
}

/// Pages per bundle for a site of `pages` pages: about `BUNDLES_PER_ROOT · √pages` bundles.
pub(super) fn pages_per_bundle(pages: usize) -> usize {
    let bundles = (BUNDLES_PER_ROOT * (pages as f64).sqrt()).ceil() as usize;
    pages.div_ceil(bundles.max(1)).max(1)
}

/// `json` compressed, as a JSON string (`compressed_base64`).
pub(super) fn quoted_base64(json: String) -> String {
    let text = compressed_base64(json.as_bytes());
    // Page bundles are kept to the end of the index: no spare room.
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    quoted.push_str(&text);
    quoted.push('"');
    quoted
}

/// `data` zlib-compressed (what the browser's `DecompressionStream("deflate")` reads), as base64.
fn compressed_base64(data: &[u8]) -> String {
    use std::io::Write;
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::with_capacity(data.len() / 3), COMPRESSION);
    // Writing into a `Vec` cannot fail.
    let _ = encoder.write_all(data);
    base64(&encoder.finish().unwrap_or_default())
}

/// zlib level for page bundles. With zlib-rs, on the 23 MB of page data of 10,000 generated
/// guides: level 5 gives 3.45 MB in 165 ms of one core; 3 and 4 are as fast but larger (3.75 and
/// 3.60 MB), 6 hardly smaller (3.43 MB) and 10 % slower.
const COMPRESSION: flate2::Compression = flate2::Compression::new(5);

/// Standard base64 with padding (what `atob` reads).
fn base64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_is_the_standard_one() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64(&[0xfb, 0xff, 0xbf]), "+/+/");
    }

    #[test]
    fn bundles_grow_as_the_square_root_of_the_pages() {
        assert_eq!(pages_per_bundle(0), 1);
        assert_eq!(pages_per_bundle(1), 1);
        assert_eq!(pages_per_bundle(64), 1);
        let bundles = |n: usize| n.div_ceil(pages_per_bundle(n));
        assert!(bundles(1_000) <= 260, "{}", bundles(1_000));
        assert!((700..=810).contains(&bundles(10_000)), "{}", bundles(10_000));
        assert!(bundles(100_000) <= 2_600, "{}", bundles(100_000));
    }

    #[test]
    fn bundles_inflate_to_their_json() {
        use std::io::Read;
        let json = r#"[{"t":"Mémoire","u":"a/","r":[[null,"","texte"]]}]"#;
        let text = compressed_base64(json.as_bytes());
        assert!(
            text.len() < json.len() * 2
                && text.bytes().all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b))
        );
        let bytes = decode_base64(&text);
        let mut inflated = String::new();
        flate2::read::ZlibDecoder::new(&bytes[..]).read_to_string(&mut inflated).unwrap();
        assert_eq!(inflated, json);
    }

    fn decode_base64(text: &str) -> Vec<u8> {
        const DIGITS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let values: Vec<u32> =
            text.bytes().filter(|&b| b != b'=').map(|b| DIGITS.find(b as char).unwrap() as u32).collect();
        let mut out = Vec::new();
        for chunk in values.chunks(4) {
            let n = chunk.iter().enumerate().fold(0, |n, (i, v)| n | v << (18 - 6 * i));
            out.extend((0..chunk.len() - 1).map(|i| (n >> (16 - 8 * i)) as u8));
        }
        out
    }
}
