//! Which addresses `check --external` connects to: public unicast addresses only, plus the
//! exceptions a caller allows (tests' servers on loopback). `Policy` is also the name resolver of
//! the HTTP agent: ureq connects to the addresses it returns and to nothing else, so the address
//! checked is the address connected to, with no second lookup for a DNS rebinding to slip into.

use std::error::Error as StdError;
use std::fmt;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

/// Public addresses, and `also_allowed`.
#[derive(Debug, Clone, Default)]
pub(super) struct Policy {
    /// Local addresses connected to all the same (a test server's). Empty outside tests.
    pub also_allowed: Vec<IpAddr>,
}

impl Policy {
    pub(super) fn allows(&self, ip: IpAddr) -> bool {
        is_public(ip) || self.also_allowed.contains(&ip)
    }

    /// The address that made `err` a refusal of this policy, if it was one.
    pub(super) fn refused_address(err: &ureq::Error) -> Option<IpAddr> {
        match err {
            ureq::Error::Io(io) => io.get_ref()?.downcast_ref::<LocalAddress>().map(|local| local.0),
            _ => None,
        }
    }
}

impl Resolver for Policy {
    /// Resolves as usual, then refuses the host when any of its addresses is not allowed (a
    /// name that answers with a public and a local address is no safer than a local one).
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let addrs = DefaultResolver::default().resolve(uri, config, timeout)?;
        match addrs.iter().find(|addr| !self.allows(addr.ip())) {
            Some(addr) => {
                Err(ureq::Error::Io(io::Error::new(io::ErrorKind::PermissionDenied, LocalAddress(addr.ip()))))
            }
            None => Ok(addrs),
        }
    }
}

/// Why the resolver refused a host: the address it found.
#[derive(Debug)]
struct LocalAddress(IpAddr);

impl fmt::Display for LocalAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} is a local address", self.0)
    }
}

impl StdError for LocalAddress {}

/// A public unicast address: not loopback, private, link-local, shared (100.64/10), unspecified,
/// broadcast, multicast, documentation, benchmarking or reserved. An IPv6 address that carries an
/// IPv4 one (mapped, compatible, NAT64, 6to4) is judged by the IPv4 address.
pub(super) fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => embedded_v4(v6).map_or_else(|| is_public_v6(v6), is_public_v4),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    let special = a == 0 // "this network", 0.0.0.0 included
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || (a == 100 && (64..128).contains(&b)) // shared address space (carrier-grade NAT)
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (18..20).contains(&b)) // benchmarking
        || a >= 240; // reserved
    !special
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let [first, second, ..] = ip.segments();
    let special = ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || first & 0xfe00 == 0xfc00 // unique local, fc00::/7
        || first & 0xffc0 == 0xfe80 // link-local, fe80::/10
        || first & 0xffc0 == 0xfec0 // site-local (deprecated), fec0::/10
        || (first == 0x2001 && second == 0x0db8); // documentation
    !special
}

/// The IPv4 address inside `::ffff:a.b.c.d`, `::a.b.c.d`, `64:ff9b::a.b.c.d` and `2002:AABB:CCDD::`.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let segments = ip.segments();
    let last = Ipv4Addr::from((u32::from(segments[6]) << 16) | u32::from(segments[7]));
    match segments {
        [0, 0, 0, 0, 0, 0xffff, ..] | [0x64, 0xff9b, 0, 0, 0, 0, ..] => Some(last),
        [0, 0, 0, 0, 0, 0, ..] if !ip.is_loopback() && !ip.is_unspecified() => Some(last),
        [0x2002, high, low, ..] => Some(Ipv4Addr::from((u32::from(high) << 16) | u32::from(low))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_unicast_addresses_are_public() {
        let local = [
            "0.0.0.0",
            "0.1.2.3",
            "127.0.0.1",
            "127.8.9.10",
            "10.0.0.12",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.254",
            "192.0.0.8",
            "192.0.2.1",
            "198.18.0.1",
            "198.51.100.7",
            "203.0.113.9",
            "224.0.0.1",
            "239.255.255.250",
            "240.0.0.1",
            "255.255.255.255",
            "::",
            "::1",
            "fe80::1",
            "febf::1",
            "fc00::1",
            "fd12:3456::1",
            "fec0::1",
            "ff02::1",
            "2001:db8::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::10.0.0.1",
            "64:ff9b::a00:1",
            "2002:a9fe:a9fe::1",
        ];
        for ip in local {
            assert!(!is_public(ip.parse().unwrap()), "{ip} should be local");
        }
        let public = [
            "8.8.8.8",
            "1.1.1.1",
            "172.32.0.1",
            "100.128.0.1",
            "192.0.1.1",
            "198.20.0.1",
            "223.255.255.255",
            "2606:4700::1111",
            "2a00:1450:4007::200e",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2002:808:808::1",
        ];
        for ip in public {
            assert!(is_public(ip.parse().unwrap()), "{ip} should be public");
        }
    }

    #[test]
    fn allowed_exceptions_are_exact_addresses() {
        let policy = Policy { also_allowed: vec![IpAddr::from([127, 0, 0, 1])] };
        assert!(policy.allows(IpAddr::from([127, 0, 0, 1])));
        assert!(!policy.allows(IpAddr::from([127, 0, 0, 2])));
        assert!(policy.allows(IpAddr::from([93, 184, 215, 14])));
        assert!(!Policy::default().allows(IpAddr::from([127, 0, 0, 1])));
    }
}
