//! Where a card sits within its stage: a fractional key, a string of base-36
//! digits read as the fraction `0.d1d2d3…`, compared byte by byte.
//!
//! Why fractional keys and not integer positions with gaps: a move then
//! writes one row, the moved card, with a key between its new neighbours.
//! Integer gaps run out and need a renumbering that rewrites the stage's
//! other cards, and when two desktops move cards at once those rewrites
//! collide (sync keeps the later row, so one desktop's order is lost for
//! cards nobody moved). With fractional keys each desktop only writes the
//! card it moved, and rows merge one by one.
//!
//! Two desktops dropping two cards into the same gap at once would compute
//! the same midpoint; the key ends with random digits so they differ (and
//! if they ever were equal, cards sort by id as well: the same order on
//! every desktop).

/// The digits, in byte order.
const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
const BASE: u32 = 36;

fn digit(c: u8) -> u32 {
    DIGITS.iter().position(|&d| d == c).unwrap_or(0) as u32
}

fn char_of(d: u32) -> char {
    DIGITS[d as usize] as char
}

/// A key strictly between `before` and `after` (`None`: the start or the end
/// of the stage), ending with random digits. Keys written by another version
/// or by hand are read leniently: an `after` not above `before` (equal keys
/// from a concurrent drop) is treated as no bound above, so the card lands
/// right after `before`.
pub fn between(before: Option<&str>, after: Option<&str>) -> String {
    let lo = before.map(trim).unwrap_or_default();
    let hi = after.map(trim).filter(|hi| hi.as_str() > lo.as_str());
    let mut key = midpoint(&lo, hi.as_deref());
    key.push_str(&tail(&lo, hi.as_deref(), &key));
    key
}

/// Keys never end with the zero digit (`0.5` and `0.50` would be two keys
/// for one place); anything outside the digits is dropped.
fn trim(key: &str) -> String {
    let clean: String = key
        .bytes()
        .filter(|b| DIGITS.contains(b))
        .map(|b| b as char)
        .collect();
    clean.trim_end_matches('0').to_owned()
}

/// The shortest key between `lo` and `hi` (classic fractional indexing):
/// the common prefix, then a digit strictly between theirs, or `lo`'s digit
/// followed by a key above the rest of `lo`.
fn midpoint(lo: &str, hi: Option<&str>) -> String {
    let lo_b = lo.as_bytes();
    if let Some(hi) = hi {
        let hi_b = hi.as_bytes();
        let mut n = 0;
        while n < hi_b.len() && lo_b.get(n).copied().unwrap_or(b'0') == hi_b[n] {
            n += 1;
        }
        if n > 0 {
            let rest_lo = if n <= lo.len() { &lo[n..] } else { "" };
            return format!("{}{}", &hi[..n], midpoint(rest_lo, Some(&hi[n..])));
        }
    }
    let d_lo = lo_b.first().map(|&c| digit(c)).unwrap_or(0);
    let d_hi = hi
        .and_then(|h| h.as_bytes().first())
        .map(|&c| digit(c))
        .unwrap_or(BASE);
    if d_hi - d_lo > 1 {
        char_of((d_lo + d_hi) / 2).to_string()
    } else {
        let rest = if lo.is_empty() { "" } else { &lo[1..] };
        format!("{}{}", char_of(d_lo), midpoint(rest, None))
    }
}

/// Two random digits (the last never zero) that keep `key` below `hi`: after
/// the midpoint there is room up to the next digit, unless `hi` itself
/// continues the key, in which case none is added.
fn tail(_lo: &str, hi: Option<&str>, key: &str) -> String {
    if let Some(hi) = hi
        && hi.starts_with(key)
    {
        return String::new();
    }
    // A UUIDv7's low 62 bits are random (the crate has no v4 here).
    let r = uuid::Uuid::now_v7().as_u128() & ((1 << 62) - 1);
    let a = (r % u128::from(BASE)) as u32;
    let b = 1 + ((r >> 8) % u128::from(BASE - 1)) as u32;
    format!("{}{}", char_of(a), char_of(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(lo: Option<&str>, hi: Option<&str>) -> String {
        let k = between(lo, hi);
        if let Some(lo) = lo {
            assert!(k.as_str() > lo, "{k} > {lo}");
        }
        if let Some(hi) = hi {
            assert!(k.as_str() < hi, "{k} < {hi}");
        }
        assert!(!k.ends_with('0'), "{k}");
        k
    }

    #[test]
    fn a_key_lies_between_its_neighbours() {
        check(None, None);
        check(Some("i"), None);
        check(None, Some("i"));
        check(Some("a"), Some("b"));
        check(Some("a"), Some("a1"));
        check(Some("a1"), Some("a2"));
        check(Some("az"), Some("b"));
        check(Some("zzz"), None);
        check(None, Some("01"));
        check(None, Some("001"));
        check(Some("1"), Some("1001"));
    }

    #[test]
    fn inserting_again_and_again_in_one_gap_keeps_the_order() {
        let lo = check(None, None);
        let mut hi = check(Some(&lo), None);
        for _ in 0..200 {
            hi = check(Some(&lo), Some(&hi));
        }
        let mut lo = lo;
        for _ in 0..200 {
            lo = check(Some(&lo), Some(&hi));
        }
    }

    #[test]
    fn equal_neighbours_put_the_card_after_them() {
        let k = between(Some("m"), Some("m"));
        assert!(k.as_str() > "m");
    }

    #[test]
    fn two_drops_in_one_gap_get_different_keys() {
        let keys: std::collections::BTreeSet<String> =
            (0..20).map(|_| between(Some("a"), Some("c"))).collect();
        assert!(keys.len() > 1);
    }
}
