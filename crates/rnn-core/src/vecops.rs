//! Small elementwise kernels over slices (SIMD body, scalar tail with the same IEEE operations).

use crate::simd::F32x4;

/// `a[i] *= b[i]`.
pub fn mul_assign(a: &mut [f32], b: &[f32]) {
    assert_eq!(a.len(), b.len());
    let n4 = a.len() - a.len() % 4;
    let mut i = 0;
    while i < n4 {
        F32x4::load(a, i).mul(F32x4::load(b, i)).store(a, i);
        i += 4;
    }
    for k in n4..a.len() {
        a[k] *= b[k];
    }
}
