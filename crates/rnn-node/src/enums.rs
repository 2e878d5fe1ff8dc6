//! The boundary enums, with rnn-wasm's names and codes (`crates/rnn-wasm/src/enums.rs`;
//! test/core/native-backend.test.ts checks that the two modules export equal objects). napi-rs
//! emits each as a JS object of member names to codes. Methods take the codes as plain numbers and
//! convert them here, so that a bad one is refused with a message naming the field.

use crate::err;
use napi::Result;
use napi_derive::napi;
use rnn_core::model::{Activation, Readout, Recurrence};
use rnn_core::Projection;

/// Hidden-to-hidden structure.
#[napi]
pub enum RawRecurrence {
    Dense = 0,
    Diagonal = 1,
}

/// Elementwise nonlinearity.
#[napi]
pub enum RawActivation {
    Tanh = 0,
    Sigmoid = 1,
    Sin = 2,
    Relu = 3,
}

/// Which time steps are read out.
#[napi]
pub enum RawReadout {
    Final = 0,
    All = 1,
}

/// The projection after each step (its radius crosses the boundary beside it).
#[napi]
pub enum RawProjection {
    None = 0,
    /// Per neuron, radius `rho / sqrt(m)`.
    MaxNorm = 1,
    /// The whole vector, radius `rho`.
    L2 = 2,
}

fn bad(field: &str, name: &str, code: u32) -> napi::Error {
    err(format!("{field} must be a member of {name} (got {code})"))
}

pub(crate) fn recurrence(code: u32) -> Result<Recurrence> {
    match code {
        0 => Ok(Recurrence::Dense),
        1 => Ok(Recurrence::Diagonal),
        _ => Err(bad("recurrence", "RawRecurrence", code)),
    }
}

pub(crate) fn activation(code: u32) -> Result<Activation> {
    match code {
        0 => Ok(Activation::Tanh),
        1 => Ok(Activation::Sigmoid),
        2 => Ok(Activation::Sin),
        3 => Ok(Activation::Relu),
        _ => Err(bad("activation", "RawActivation", code)),
    }
}

pub(crate) fn readout(code: u32) -> Result<Readout> {
    match code {
        0 => Ok(Readout::Final),
        1 => Ok(Readout::All),
        _ => Err(bad("readout", "RawReadout", code)),
    }
}

/// The core's projection of `code` (a RawProjection) with radius `rho` (finite and >= 0;
/// ignored for None).
pub(crate) fn projection(code: u32, rho: f64) -> Result<Projection> {
    let radius = || {
        if rho.is_finite() && rho >= 0.0 {
            Ok(rho)
        } else {
            Err(err(format!(
                "projection radius rho must be finite and >= 0 (got {rho})"
            )))
        }
    };
    match code {
        0 => Ok(Projection::None),
        1 => Ok(Projection::MaxNorm(radius()?)),
        2 => Ok(Projection::L2(radius()?)),
        _ => Err(bad("projection kind", "RawProjection", code)),
    }
}
