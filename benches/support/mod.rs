//! Deterministic tag lists for the benchmarks: the three families of the
//! engine issue, any size.

/// A small deterministic generator (SplitMix64), so runs are comparable.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn hex(&mut self, len: usize) -> String {
        format!("{:016x}", self.next())[..len].to_string()
    }

    /// A 12-digit yyyyMMddHHmm timestamp.
    fn stamp(&mut self) -> String {
        format!(
            "{}{:02}{:02}{:02}{:02}",
            2020 + self.below(6),
            1 + self.below(12),
            1 + self.below(28),
            self.below(24),
            self.below(60)
        )
    }
}

/// A benchmark family: its tags and the policy manifest that goes with them.
pub struct Family {
    pub name: &'static str,
    pub manifest: &'static str,
    pub generate: fn(usize) -> Vec<String>,
    /// The POSIX ERE of the `grep -cE` reference pass (`cargo bench --bench process`),
    /// the fastest equivalent one: no groups (a group costs GNU grep 2–3×): the
    /// filter pattern with its groups dropped; for semver, a version with an
    /// optional `v`, prerelease and build metadata, each shape an alternative.
    #[allow(dead_code)] // read by the process bench, not the engine bench
    pub grep: &'static str,
    /// The same policy as the flags of a `GO_PIPELINE` binary (the controller's own
    /// filter and policer; README, "Benchmarks"), before the tags file.
    #[allow(dead_code)] // read by the process bench, not the engine bench
    pub go_flags: &'static [&'static str],
}

pub const NUMERICAL_POLICY: &str = "apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata: {name: uat, namespace: bench}
spec:
  imageRepositoryRef: {name: app}
  filterTags:
    pattern: '^uat-(?P<ts>[0-9]{12})-[a-f0-9]{7}$'
    extract: '$ts'
  policy:
    numerical: {order: asc}
";

pub const SEMVER_POLICY: &str = "apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata: {name: release, namespace: bench}
spec:
  imageRepositoryRef: {name: app}
  policy:
    semver: {range: '>=1.0.0 <3.0.0'}
";

pub const ALPHABETICAL_POLICY: &str = "apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata: {name: main, namespace: bench}
spec:
  imageRepositoryRef: {name: app}
  filterTags:
    pattern: '^main-[a-f0-9]+-(?P<ts>[0-9]+)$'
    extract: '$ts'
  policy:
    alphabetical: {order: asc}
";

/// `uat-<ts>-<sha>` mixed with stage, dev, semver, `.sig` and `latest`.
pub fn numerical_tags(n: usize) -> Vec<String> {
    let mut rng = Rng::new(1);
    (0..n)
        .map(|_| match rng.below(20) {
            0..=7 => format!("uat-{}-{}", rng.stamp(), rng.hex(7)),
            8..=10 => format!("stage-{}-{}", rng.stamp(), rng.hex(7)),
            11..=13 => format!("dev-{}-{}", rng.stamp(), rng.hex(7)),
            14..=16 => format!("{}.{}.{}", rng.below(5), rng.below(30), rng.below(100)),
            17..=18 => format!("sha256-{}{}.sig", rng.hex(16), rng.hex(16)),
            _ => "latest".to_string(),
        })
        .collect()
}

/// Versions, some `v`-prefixed, prereleases, build metadata, and noise.
pub fn semver_tags(n: usize) -> Vec<String> {
    let mut rng = Rng::new(2);
    (0..n)
        .map(|_| {
            let v = format!("{}.{}.{}", rng.below(5), rng.below(50), rng.below(200));
            match rng.below(10) {
                0..=3 => v,
                4 => format!("v{v}"),
                5 => format!("{v}-rc.{}", rng.below(20)),
                6 => format!("{v}+build.{}", rng.below(1000)),
                7 => format!("{v}-beta{}", rng.below(20)),
                8 => format!("sha-{}", rng.hex(12)),
                _ => format!("{v}.sig"),
            }
        })
        .collect()
}

/// `main-<sha>-<unix ts>` with branch noise.
pub fn alphabetical_tags(n: usize) -> Vec<String> {
    let mut rng = Rng::new(3);
    (0..n)
        .map(|_| match rng.below(10) {
            0..=6 => format!(
                "main-{}-{}",
                rng.hex(7),
                1_600_000_000 + rng.below(200_000_000)
            ),
            7 => format!("pr-{}-{}", rng.below(5000), rng.hex(7)),
            8 => format!(
                "feature-{}-{}",
                rng.hex(5),
                1_600_000_000 + rng.below(200_000_000)
            ),
            _ => format!("sha256-{}.sig", rng.hex(16)),
        })
        .collect()
}

pub const FAMILIES: [Family; 3] = [
    Family {
        name: "numerical",
        manifest: NUMERICAL_POLICY,
        generate: numerical_tags,
        grep: "^uat-[0-9]{12}-[a-f0-9]{7}$",
        go_flags: &[
            "-policy",
            "numerical",
            "-order",
            "asc",
            "-pattern",
            "^uat-(?P<ts>[0-9]{12})-[a-f0-9]{7}$",
            "-extract",
            "$ts",
        ],
    },
    Family {
        name: "semver",
        manifest: SEMVER_POLICY,
        generate: semver_tags,
        // The four shapes spelled out: GNU grep is 2–3× slower on the same
        // pattern with its optional groups.
        grep: "^v?[0-9]+\\.[0-9]+\\.[0-9]+$|^v?[0-9]+\\.[0-9]+\\.[0-9]+-[0-9A-Za-z.-]+$|^v?[0-9]+\\.[0-9]+\\.[0-9]+\\+[0-9A-Za-z.-]+$|^v?[0-9]+\\.[0-9]+\\.[0-9]+-[0-9A-Za-z.-]+\\+[0-9A-Za-z.-]+$",
        go_flags: &["-policy", "semver", "-range", ">=1.0.0 <3.0.0"],
    },
    Family {
        name: "alphabetical",
        manifest: ALPHABETICAL_POLICY,
        generate: alphabetical_tags,
        grep: "^main-[a-f0-9]+-[0-9]+$",
        go_flags: &[
            "-policy",
            "alphabetical",
            "-order",
            "asc",
            "-pattern",
            "^main-[a-f0-9]+-(?P<ts>[0-9]+)$",
            "-extract",
            "$ts",
        ],
    },
];
