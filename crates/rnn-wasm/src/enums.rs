//! The boundary enums: wasm-bindgen generates a frozen JS object and a TS `enum` for each, the
//! codes' only definition (ts/backend/wasm-enums.ts maps the package's names onto them).
//!
//! The methods take them as JS values typed as the enum and convert them with [`member`]: a
//! parameter of the enum type itself would refuse a bad value by throwing from inside the call,
//! which skips the epilogue and leaks wasm stack on every refusal (the module crashes after some
//! thousands).

use crate::err;
use rnn_core::model::{Activation, Readout, Recurrence};
use rnn_core::Projection;
use wasm_bindgen::convert::TryFromJsValue;
use wasm_bindgen::prelude::*;

/// The member of `E` that `value` is, or an error naming `field`.
pub(crate) fn member<E: TryFromJsValue>(field: &str, value: &JsValue) -> Result<E, JsError> {
    E::try_from_js_value_ref(value).ok_or_else(|| {
        let name = std::any::type_name::<E>().rsplit("::").next().unwrap_or("enum");
        let got = value.as_f64().map_or_else(|| format!("{value:?}"), |v| v.to_string());
        err(format!("{field} must be a member of {name} (got {got})"))
    })
}

/// Hidden-to-hidden structure ([`Recurrence`]).
#[wasm_bindgen]
#[derive(Clone, Copy)]
pub enum RawRecurrence {
    Dense = 0,
    Diagonal = 1,
}

impl From<RawRecurrence> for Recurrence {
    fn from(raw: RawRecurrence) -> Self {
        match raw {
            RawRecurrence::Dense => Recurrence::Dense,
            RawRecurrence::Diagonal => Recurrence::Diagonal,
        }
    }
}

/// Elementwise nonlinearity ([`Activation`]).
#[wasm_bindgen]
#[derive(Clone, Copy)]
pub enum RawActivation {
    Tanh = 0,
    Sigmoid = 1,
    Sin = 2,
    Relu = 3,
}

impl From<RawActivation> for Activation {
    fn from(raw: RawActivation) -> Self {
        match raw {
            RawActivation::Tanh => Activation::Tanh,
            RawActivation::Sigmoid => Activation::Sigmoid,
            RawActivation::Sin => Activation::Sin,
            RawActivation::Relu => Activation::Relu,
        }
    }
}

/// Which time steps are read out ([`Readout`]).
#[wasm_bindgen]
#[derive(Clone, Copy)]
pub enum RawReadout {
    Final = 0,
    All = 1,
}

impl From<RawReadout> for Readout {
    fn from(raw: RawReadout) -> Self {
        match raw {
            RawReadout::Final => Readout::Final,
            RawReadout::All => Readout::All,
        }
    }
}

/// The projection after each step ([`Projection`], whose radius crosses the boundary beside it).
#[wasm_bindgen]
#[derive(Clone, Copy)]
pub enum RawProjection {
    None = 0,
    /// Per neuron, radius `rho / sqrt(m)`.
    MaxNorm = 1,
    /// The whole vector, radius `rho`.
    L2 = 2,
}

/// The core's projection of `kind` (a [`RawProjection`]) with radius `rho` (finite and >= 0;
/// ignored for `None`).
pub(crate) fn projection(kind: &JsValue, rho: f64) -> Result<Projection, JsError> {
    let radius = || {
        if rho.is_finite() && rho >= 0.0 {
            Ok(rho)
        } else {
            Err(err(format!(
                "projection radius rho must be finite and >= 0 (got {rho})"
            )))
        }
    };
    Ok(match member("projection kind", kind)? {
        RawProjection::None => Projection::None,
        RawProjection::MaxNorm => Projection::MaxNorm(radius()?),
        RawProjection::L2 => Projection::L2(radius()?),
    })
}
