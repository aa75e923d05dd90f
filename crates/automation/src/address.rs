//! Which addresses a flow's outside call may reach. An HTTP node's URL is
//! written by whoever edits the flow and filled with what contacts typed, so
//! without a policy a flow could read the cloud's metadata service
//! (169.254.169.254), the router's admin page or a service on the agency's
//! own computer. Unless the account allows private addresses, every address
//! in the ranges below is refused — as written in the URL and as a hostname
//! resolves, checked on the addresses the connection is actually made to
//! (`client.rs`), so a name that resolves to a public address for a check and
//! to 127.0.0.1 for the connection (DNS rebinding) gets nowhere. Link-local
//! addresses are refused even then: nothing a flow needs lives there, and
//! the cloud's metadata service (169.254.169.254) hands out credentials.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use zapdesk_core::automation::settings::AutomationSettings;

/// What an account lets its flows' outside calls reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AddressPolicy {
    /// Private, loopback and the other non-public ranges ([`Range`]) are
    /// reachable — all but link-local, never reachable. Needed for a service
    /// on the agency's own network, and for an AI model served on this
    /// computer (Ollama at `http://localhost:11434/v1`).
    pub allow_private: bool,
}

impl AddressPolicy {
    /// The account's setting (`automation_settings.allow_private_http`).
    pub fn of(settings: &AutomationSettings) -> AddressPolicy {
        AddressPolicy {
            allow_private: settings.allow_private_http,
        }
    }

    /// Whether a call may connect to `ip` (`host` names it in the refusal).
    /// A link-local address never may: an account that allows private
    /// addresses means its own network's services, and what answers on
    /// 169.254/16 (a cloud host's metadata service with its credentials, a
    /// router's zero-configuration side) is never one of them.
    pub fn check(&self, host: &str, ip: IpAddr) -> Result<(), Refused> {
        match range(ip) {
            Some(range) if !self.allow_private || range == Range::LinkLocal => Err(Refused {
                host: host.to_owned(),
                ip,
                range,
            }),
            _ => Ok(()),
        }
    }
}

/// A range of addresses that is not the public internet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Range {
    /// 0.0.0.0/8, `::` — "this host" (connecting to it reaches loopback).
    Unspecified,
    /// 127.0.0.0/8, `::1`.
    Loopback,
    /// 10/8, 172.16/12, 192.168/16, fc00::/7, and the deprecated fec0::/10.
    Private,
    /// 169.254/16 (the cloud metadata service), fe80::/10.
    LinkLocal,
    /// 100.64/10, carrier-grade NAT: the provider's side of the network.
    SharedNat,
    /// 224/4, ff00::/8.
    Multicast,
    /// 255.255.255.255.
    Broadcast,
    /// 192.0.0/24, 198.18/15 (benchmarking), 240/4: not routed on the internet.
    Reserved,
}

impl Range {
    fn name(self) -> &'static str {
        match self {
            Range::Unspecified => "unspecified",
            Range::Loopback => "loopback",
            Range::Private => "private network",
            Range::LinkLocal => "link-local",
            Range::SharedNat => "carrier-grade NAT",
            Range::Multicast => "multicast",
            Range::Broadcast => "broadcast",
            Range::Reserved => "reserved",
        }
    }
}

/// The non-public range `ip` is in, or `None` for a public address. An IPv6
/// address that carries an IPv4 one is judged by the IPv4 address it reaches
/// ([`carried_v4`]): IPv4-mapped `::ffff:a.b.c.d`, IPv4-translated
/// `::ffff:0:a.b.c.d`, IPv4-compatible `::a.b.c.d`, NAT64 `64:ff9b::/96`
/// and the local-use `64:ff9b:1::/48`, 6to4 `2002::/16`, Teredo `2001::/32`.
pub fn range(ip: IpAddr) -> Option<Range> {
    match ip {
        IpAddr::V4(v4) => range_v4(v4),
        IpAddr::V6(v6) => range_v6(v6),
    }
}

fn range_v4(ip: Ipv4Addr) -> Option<Range> {
    let [a, b, c, _] = ip.octets();
    Some(match (a, b, c) {
        (0, _, _) => Range::Unspecified,
        (127, _, _) => Range::Loopback,
        (10, _, _) | (192, 168, _) => Range::Private,
        (172, 16..=31, _) => Range::Private,
        (169, 254, _) => Range::LinkLocal,
        (100, 64..=127, _) => Range::SharedNat,
        (224..=239, _, _) => Range::Multicast,
        _ if ip == Ipv4Addr::BROADCAST => Range::Broadcast,
        (240..=255, _, _) | (192, 0, 0) | (198, 18..=19, _) => Range::Reserved,
        _ => return None,
    })
}

fn range_v6(ip: Ipv6Addr) -> Option<Range> {
    if ip.is_unspecified() {
        return Some(Range::Unspecified);
    }
    if ip.is_loopback() {
        return Some(Range::Loopback);
    }
    if let Some(carried) = carried_v4(ip) {
        // Link-local first, wherever it may be reached (refused whatever
        // the account allows); then the form's own range, then the first
        // non-public one it reaches.
        let reached: Vec<Range> = carried
            .reached
            .iter()
            .filter_map(|v4| range_v4(*v4))
            .collect();
        if reached.contains(&Range::LinkLocal) {
            return Some(Range::LinkLocal);
        }
        return carried.own.or(reached.first().copied());
    }
    let first = ip.segments()[0];
    Some(match first {
        _ if first & 0xfe00 == 0xfc00 => Range::Private,
        _ if first & 0xffc0 == 0xfe80 => Range::LinkLocal,
        _ if first & 0xffc0 == 0xfec0 => Range::Private,
        _ if first & 0xff00 == 0xff00 => Range::Multicast,
        _ => return None,
    })
}

/// What an IPv6 address of a translation or tunnel form carries.
struct Carried {
    /// The IPv4 addresses a packet to it may end up at (more than one when
    /// the form does not say where the IPv4 address sits).
    reached: Vec<Ipv4Addr>,
    /// The form's own range, whatever it carries: a local-use NAT64 prefix
    /// is some network's own translator, private by definition.
    own: Option<Range>,
}

/// The IPv4 address(es) an IPv6 address reaches by translation or
/// tunnelling, if it is one of those forms.
fn carried_v4(ip: Ipv6Addr) -> Option<Carried> {
    let s = ip.segments();
    let b = ip.octets();
    let v4 = |x: [u8; 4]| Ipv4Addr::from(x);
    let low = v4([b[12], b[13], b[14], b[15]]);
    let public = |reached: Vec<Ipv4Addr>| Carried { reached, own: None };
    Some(match s {
        // ::ffff:a.b.c.d (mapped), ::ffff:0:a.b.c.d (translated, SIIT) and
        // ::a.b.c.d (compatible, deprecated but still routed to IPv4 by some
        // stacks).
        [0, 0, 0, 0, 0, 0xffff, _, _]
        | [0, 0, 0, 0, 0xffff, 0, _, _]
        | [0, 0, 0, 0, 0, 0, _, _] => public(vec![low]),
        // NAT64's well-known prefix.
        [0x64, 0xff9b, 0, 0, 0, 0, _, _] => public(vec![low]),
        // NAT64's local-use prefix (RFC 8215): the network that runs the
        // translator chose the prefix length, and with it where the IPv4
        // address sits (RFC 6052: after /48, /56, /64 or /96, skipping
        // bits 64..71), so every place is judged.
        [0x64, 0xff9b, 1, ..] => Carried {
            reached: vec![
                v4([b[6], b[7], b[9], b[10]]),
                v4([b[7], b[9], b[10], b[11]]),
                v4([b[9], b[10], b[11], b[12]]),
                low,
            ],
            own: Some(Range::Private),
        },
        // The rest of 64:ff9b::/32 is not assigned: nothing public is there.
        [0x64, 0xff9b, ..] => Carried {
            reached: Vec::new(),
            own: Some(Range::Reserved),
        },
        // 6to4: the IPv4 address is in the second and third groups.
        [0x2002, hi, lo, ..] => {
            let [a, b] = hi.to_be_bytes();
            let [c, d] = lo.to_be_bytes();
            public(vec![v4([a, b, c, d])])
        }
        // Teredo: the server's IPv4 address in the third and fourth groups,
        // the client's (where the packet goes) in the last two, inverted.
        [0x2001, 0, ..] => public(vec![
            v4([b[4], b[5], b[6], b[7]]),
            v4([!b[12], !b[13], !b[14], !b[15]]),
        ]),
        _ => return None,
    })
}

/// A call refused by the address policy. Its text starts with "address not
/// allowed", for the log and the flow's run history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// As written in the URL.
    pub host: String,
    /// The address it is or resolved to.
    pub ip: IpAddr,
    pub range: Range,
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let host = self.host.trim_start_matches('[').trim_end_matches(']');
        if host == self.ip.to_string() {
            write!(
                f,
                "address not allowed: {} is {}",
                self.ip,
                self.range.name()
            )?;
        } else {
            write!(
                f,
                "address not allowed: {} is {} ({})",
                self.host,
                self.ip,
                self.range.name()
            )?;
        }
        if self.range == Range::LinkLocal {
            f.write_str("; link-local addresses are never allowed")
        } else {
            f.write_str("; the account does not allow private addresses")
        }
    }
}

impl std::error::Error for Refused {}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn every_non_public_range_is_named() {
        let table = [
            ("0.0.0.0", Some(Range::Unspecified)),
            ("0.1.2.3", Some(Range::Unspecified)),
            ("127.0.0.1", Some(Range::Loopback)),
            ("127.255.0.9", Some(Range::Loopback)),
            ("10.0.0.1", Some(Range::Private)),
            ("172.16.0.1", Some(Range::Private)),
            ("172.31.255.255", Some(Range::Private)),
            ("172.32.0.1", None),
            ("172.15.255.255", None),
            ("192.168.1.1", Some(Range::Private)),
            ("169.254.169.254", Some(Range::LinkLocal)),
            ("100.64.0.1", Some(Range::SharedNat)),
            ("100.127.255.255", Some(Range::SharedNat)),
            ("100.128.0.1", None),
            ("224.0.0.1", Some(Range::Multicast)),
            ("239.255.255.250", Some(Range::Multicast)),
            ("255.255.255.255", Some(Range::Broadcast)),
            ("240.0.0.1", Some(Range::Reserved)),
            ("192.0.0.8", Some(Range::Reserved)),
            ("198.18.0.1", Some(Range::Reserved)),
            ("8.8.8.8", None),
            ("200.147.67.142", None),
            ("::", Some(Range::Unspecified)),
            ("::1", Some(Range::Loopback)),
            ("fc00::1", Some(Range::Private)),
            ("fd12:3456::1", Some(Range::Private)),
            ("fec0::1", Some(Range::Private)),
            ("fe80::1", Some(Range::LinkLocal)),
            ("febf::1", Some(Range::LinkLocal)),
            ("ff02::1", Some(Range::Multicast)),
            ("::ffff:127.0.0.1", Some(Range::Loopback)),
            ("::ffff:169.254.169.254", Some(Range::LinkLocal)),
            ("::ffff:10.1.2.3", Some(Range::Private)),
            ("::ffff:8.8.8.8", None),
            ("::127.0.0.1", Some(Range::Loopback)),
            ("64:ff9b::a9fe:a9fe", Some(Range::LinkLocal)),
            ("64:ff9b::808:808", None),
            ("::ffff:0:127.0.0.1", Some(Range::Loopback)),
            ("::ffff:0:10.0.0.1", Some(Range::Private)),
            ("::ffff:0:169.254.169.254", Some(Range::LinkLocal)),
            ("::ffff:0:8.8.8.8", None),
            ("2002:7f00:1::", Some(Range::Loopback)),
            ("2002:0808:0808::", None),
            ("2001:4860:4860::8888", None),
            ("2804:14c::1", None),
        ];
        for (text, expected) in table {
            assert_eq!(range(ip(text)), expected, "{text}");
        }
    }

    /// The local-use NAT64 prefix (RFC 8215) is some network's own
    /// translator: private, and link-local wherever its prefix length puts
    /// 169.254.169.254 (RFC 6052's places after /48, /56, /64, /96).
    #[test]
    fn local_use_nat64_is_private_and_link_local_where_it_carries_it() {
        for text in [
            "64:ff9b:1::808:808",
            "64:ff9b:1:1234::1",
            "64:ff9b:1::7f00:1",
        ] {
            assert_eq!(range(ip(text)), Some(Range::Private), "{text}");
        }
        let open = AddressPolicy {
            allow_private: true,
        };
        assert!(open.check("nat64", ip("64:ff9b:1::808:808")).is_ok());
        for text in [
            // /96
            "64:ff9b:1::a9fe:a9fe",
            // /64: bits 72..103
            "64:ff9b:1:0:a9:fea9:fe00:0",
            // /56: bits 56..63 and 72..95
            "64:ff9b:1:a9:fe:a9fe::",
            // /48: bits 48..63 and 72..87
            "64:ff9b:1:a9fe:a9:fe00::",
        ] {
            assert_eq!(range(ip(text)), Some(Range::LinkLocal), "{text}");
        }
        // Elsewhere in 64:ff9b::/32: not assigned, not public.
        assert_eq!(range(ip("64:ff9b:2::808:808")), Some(Range::Reserved));
    }

    /// Teredo (`2001::/32`) reaches the client's IPv4 address, stored
    /// inverted in the last 32 bits, through the server's in bits 32..63.
    #[test]
    fn teredo_is_judged_by_the_ipv4_addresses_it_carries() {
        // Server 65.54.227.120, client 192.0.2.45 inverted: public both.
        assert_eq!(range(ip("2001:0:4136:e378:8000:63bf:3fff:fdd2")), None);
        // Client 127.0.0.1 (inverted: 80ff:fffe).
        assert_eq!(
            range(ip("2001:0:4136:e378:8000:63bf:80ff:fffe")),
            Some(Range::Loopback)
        );
        // Client 169.254.169.254 (inverted: 5601:5601).
        assert_eq!(
            range(ip("2001:0:4136:e378:8000:63bf:5601:5601")),
            Some(Range::LinkLocal)
        );
        // Server 10.0.0.1.
        assert_eq!(
            range(ip("2001:0:a00:1:8000:63bf:3fff:fdd2")),
            Some(Range::Private)
        );
        // 2001:db8::/32 and the rest of 2001::/16 are not Teredo.
        assert_eq!(range(ip("2001:4860:4860::8888")), None);
    }

    #[test]
    fn the_policy_refuses_only_when_private_is_not_allowed() {
        let strict = AddressPolicy::default();
        let open = AddressPolicy {
            allow_private: true,
        };
        let refused = strict.check("localhost", ip("127.0.0.1")).unwrap_err();
        assert_eq!(refused.range, Range::Loopback);
        assert_eq!(
            refused.to_string(),
            "address not allowed: localhost is 127.0.0.1 (loopback); \
             the account does not allow private addresses"
        );
        assert_eq!(
            strict.check("[::1]", ip("::1")).unwrap_err().to_string(),
            "address not allowed: ::1 is loopback; the account does not allow private addresses"
        );
        assert!(open.check("localhost", ip("127.0.0.1")).is_ok());
        assert!(open.check("nas", ip("192.168.0.10")).is_ok());
        assert!(strict.check("dns.google", ip("8.8.8.8")).is_ok());
        assert!(!AddressPolicy::of(&AutomationSettings::default()).allow_private);
    }

    #[test]
    fn link_local_is_refused_even_where_private_addresses_are_allowed() {
        let open = AddressPolicy {
            allow_private: true,
        };
        for text in [
            "169.254.169.254",
            "169.254.0.1",
            "fe80::1",
            "febf::ffff",
            "::ffff:169.254.169.254",
            "64:ff9b::a9fe:a9fe",
            "2002:a9fe:a9fe::",
        ] {
            let refused = open.check("metadata", ip(text)).unwrap_err();
            assert_eq!(refused.range, Range::LinkLocal, "{text}");
            assert!(
                refused
                    .to_string()
                    .ends_with("link-local addresses are never allowed"),
                "{text}: {refused}"
            );
        }
    }
}
