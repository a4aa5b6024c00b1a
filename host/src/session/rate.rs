//! Per-session message rates: a token bucket.

use std::time::Instant;

/// A token bucket: `burst` tokens, refilled at `rate` per second.
#[derive(Debug, Clone)]
pub struct Bucket {
    tokens: f64,
    last: Instant,
}

impl Bucket {
    /// A full bucket of `burst` tokens.
    pub fn full(burst: f64) -> Bucket {
        Bucket {
            tokens: burst,
            last: Instant::now(),
        }
    }

    /// Takes a token if there is one.
    pub fn take(&mut self, rate: f64, burst: f64) -> bool {
        let now = Instant::now();
        let refill = now.duration_since(self.last).as_secs_f64() * rate;
        self.tokens = (self.tokens + refill).min(burst);
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_refills_at_its_rate() {
        let mut b = Bucket::full(2.0);
        assert!(b.take(1000.0, 2.0) && b.take(1000.0, 2.0));
        b.tokens = 0.0;
        b.last = Instant::now() - std::time::Duration::from_millis(10);
        assert!(b.take(1000.0, 2.0), "10 ms at 1000/s refills");
        b.tokens = 0.0;
        b.last = Instant::now();
        assert!(!b.take(0.001, 2.0));
    }
}
