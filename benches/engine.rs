//! The engine alone on 10k / 100k / 1M generated tags, three families.

mod support;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use kubectl_imagepolicy::model::ImagePolicy;
use kubectl_imagepolicy::policy::{Options, evaluate};
use std::hint::black_box;

fn engine(c: &mut Criterion) {
    for family in support::FAMILIES {
        let policy: ImagePolicy = serde_yaml_ng::from_str(family.manifest).expect("bench manifest");
        let rule = policy.rule(None);
        let mut group = c.benchmark_group(format!("engine/{}", family.name));
        for n in [10_000, 100_000, 1_000_000] {
            let owned = (family.generate)(n);
            let tags: Vec<&str> = owned.iter().map(String::as_str).collect();
            group.throughput(Throughput::Elements(n as u64));
            group.sample_size(if n >= 1_000_000 { 10 } else { 20 });
            group.bench_with_input(BenchmarkId::from_parameter(n), &tags, |b, tags| {
                b.iter(|| {
                    let eval = evaluate(black_box(&rule), black_box(tags), Options::default());
                    assert!(eval.selected.is_some(), "{:?}", eval.error);
                    eval
                })
            });
        }
        group.finish();
    }
}

criterion_group!(benches, engine);
criterion_main!(benches);
