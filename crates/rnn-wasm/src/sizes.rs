//! Sizes: the bytes each class allocates (`rnn_core::sizes`), asked before constructing it so that
//! an allocation that would not fit is refused instead of aborting the module. f64: exact below 2^53.

use crate::enums::{member, RawReadout, RawRecurrence};
use rnn_core::model::{Activation, Spec};
use wasm_bindgen::prelude::*;

/// The spec of a shape (sizes depend on neither the activation nor alpha).
fn shape(recurrence: &JsValue, readout: &JsValue, m: u32, d: u32) -> Result<Spec, JsError> {
    Ok(Spec {
        recurrence: member::<RawRecurrence>("recurrence", recurrence)?.into(),
        activation: Activation::Tanh,
        readout: member::<RawReadout>("readout", readout)?.into(),
        m: m as usize,
        d: d as usize,
        alpha: 1.0,
    })
}

/// Bytes of `new RawModel(recurrence, _, readout, m, d, _)`.
#[wasm_bindgen]
pub fn model_bytes(
    #[wasm_bindgen(unchecked_param_type = "RawRecurrence")] recurrence: JsValue,
    #[wasm_bindgen(unchecked_param_type = "RawReadout")] readout: JsValue,
    m: u32,
    d: u32,
) -> Result<f64, JsError> {
    Ok(rnn_core::sizes::model_bytes(&shape(&recurrence, &readout, m, d)?) as f64)
}

/// Bytes of `new RawWorkspace(model, n_max, t)` for a model of this shape.
#[wasm_bindgen]
pub fn workspace_bytes(
    #[wasm_bindgen(unchecked_param_type = "RawRecurrence")] recurrence: JsValue,
    #[wasm_bindgen(unchecked_param_type = "RawReadout")] readout: JsValue,
    m: u32,
    d: u32,
    n_max: u32,
    t: u32,
) -> Result<f64, JsError> {
    let spec = shape(&recurrence, &readout, m, d)?;
    Ok(rnn_core::sizes::workspace_bytes(&spec, n_max as usize, t as usize) as f64)
}

/// Bytes a workspace's `reserve(steps, batch)` adds, with `indices = steps * batch`.
#[wasm_bindgen]
pub fn reserve_bytes(steps: u32, indices: u32) -> f64 {
    rnn_core::sizes::reserve_bytes(steps as usize, indices as usize) as f64
}

/// Bytes of `new RawLinearization(model, n_max, t)` for a model of this shape.
#[wasm_bindgen]
pub fn linearization_bytes(
    #[wasm_bindgen(unchecked_param_type = "RawRecurrence")] recurrence: JsValue,
    #[wasm_bindgen(unchecked_param_type = "RawReadout")] readout: JsValue,
    m: u32,
    d: u32,
    n_max: u32,
    t: u32,
) -> Result<f64, JsError> {
    let spec = shape(&recurrence, &readout, m, d)?;
    Ok(rnn_core::sizes::linearization_bytes(&spec, n_max as usize, t as usize) as f64)
}

/// Bytes of `new RawFeatures(model, n_max, t)` for a model of this shape.
#[wasm_bindgen]
pub fn features_bytes(
    #[wasm_bindgen(unchecked_param_type = "RawRecurrence")] recurrence: JsValue,
    #[wasm_bindgen(unchecked_param_type = "RawReadout")] readout: JsValue,
    m: u32,
    d: u32,
    n_max: u32,
    t: u32,
) -> Result<f64, JsError> {
    let spec = shape(&recurrence, &readout, m, d)?;
    Ok(rnn_core::sizes::features_bytes(&spec, n_max as usize, t as usize) as f64)
}

/// Bytes of `new RawTeacher(_, d, _, count, n_max, t)`.
#[wasm_bindgen]
pub fn teacher_bytes(d: u32, count: u32, n_max: u32, t: u32) -> f64 {
    rnn_core::sizes::teacher_bytes(d as usize, count as usize, n_max as usize, t as usize) as f64
}
