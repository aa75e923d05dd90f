//! A fixed-size set of contact positions, one bit each: 100 000 contacts
//! are 12.5 KB and an intersection is 1 563 word operations. Dense on
//! purpose: the sets a filter combines (a tag, a field value, everyone)
//! are large fractions of an account, where a compressed bitmap (roaring)
//! would save little memory and add a dependency.

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Bits {
    words: Vec<u64>,
    len: usize,
}

impl Bits {
    /// No position set, for `len` positions.
    pub(crate) fn empty(len: usize) -> Bits {
        Bits {
            words: vec![0; len.div_ceil(64)],
            len,
        }
    }

    /// Every position `0..len` set (and none beyond, so a count is exact).
    pub(crate) fn full(len: usize) -> Bits {
        let mut bits = Bits {
            words: vec![u64::MAX; len.div_ceil(64)],
            len,
        };
        if !len.is_multiple_of(64)
            && let Some(last) = bits.words.last_mut()
        {
            *last = (1u64 << (len % 64)) - 1;
        }
        bits
    }

    pub(crate) fn insert(&mut self, at: usize) {
        debug_assert!(at < self.len);
        self.words[at / 64] |= 1 << (at % 64);
    }

    pub(crate) fn and(&mut self, other: &Bits) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= b;
        }
    }

    pub(crate) fn or(&mut self, other: &Bits) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a |= b;
        }
    }

    pub(crate) fn and_not(&mut self, other: &Bits) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= !b;
        }
    }

    pub(crate) fn count(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// The set positions, in order.
    pub(crate) fn ones(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(i, &word)| {
            let mut rest = word;
            std::iter::from_fn(move || {
                if rest == 0 {
                    return None;
                }
                let bit = rest.trailing_zeros() as usize;
                rest &= rest - 1;
                Some(i * 64 + bit)
            })
        })
    }

    /// Heap bytes held, for the index's size.
    pub(crate) fn bytes(&self) -> usize {
        self.words.len() * 8
    }
}

#[cfg(test)]
mod tests {
    use super::Bits;

    #[test]
    fn set_operations_stay_inside_the_length() {
        for len in [0, 1, 63, 64, 65, 130] {
            let full = Bits::full(len);
            assert_eq!(full.count(), len);
            assert_eq!(
                full.ones().collect::<Vec<_>>(),
                (0..len).collect::<Vec<_>>()
            );
            let mut none = Bits::full(len);
            none.and_not(&full);
            assert_eq!(none.count(), 0);
        }
        let mut a = Bits::empty(130);
        assert_eq!(a.count(), 0);
        let mut b = Bits::empty(130);
        for i in [0, 5, 64, 129] {
            a.insert(i);
        }
        for i in [5, 70, 129] {
            b.insert(i);
        }
        let mut both = a.clone();
        both.and(&b);
        assert_eq!(both.ones().collect::<Vec<_>>(), vec![5, 129]);
        let mut either = a.clone();
        either.or(&b);
        assert_eq!(either.count(), 5);
        let mut only_a = a.clone();
        only_a.and_not(&b);
        assert_eq!(only_a.ones().collect::<Vec<_>>(), vec![0, 64]);
    }
}
