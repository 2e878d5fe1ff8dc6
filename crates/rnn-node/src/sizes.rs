//! Sizes: the bytes each class allocates (`rnn_core::sizes`), asked before constructing it (the
//! same functions as rnn-wasm's `sizes.rs`). f64: exact below 2^53.

use crate::enums::{readout, recurrence};
use napi::Result;
use napi_derive::napi;
use rnn_core::model::{Activation, Spec};

/// The spec of a shape (sizes depend on neither the activation nor alpha).
fn shape(recurrence_code: u32, readout_code: u32, m: u32, d: u32) -> Result<Spec> {
    Ok(Spec {
        recurrence: recurrence(recurrence_code)?,
        activation: Activation::Tanh,
        readout: readout(readout_code)?,
        m: m as usize,
        d: d as usize,
        alpha: 1.0,
    })
}

#[napi(js_name = "model_bytes")]
pub fn model_bytes(recurrence_code: u32, readout_code: u32, m: u32, d: u32) -> Result<f64> {
    Ok(rnn_core::sizes::model_bytes(&shape(recurrence_code, readout_code, m, d)?) as f64)
}

#[napi(js_name = "workspace_bytes")]
pub fn workspace_bytes(recurrence_code: u32, readout_code: u32, m: u32, d: u32, n_max: u32, t: u32) -> Result<f64> {
    let spec = shape(recurrence_code, readout_code, m, d)?;
    Ok(rnn_core::sizes::workspace_bytes(&spec, n_max as usize, t as usize) as f64)
}

#[napi(js_name = "reserve_bytes")]
pub fn reserve_bytes(steps: u32, indices: u32) -> f64 {
    rnn_core::sizes::reserve_bytes(steps as usize, indices as usize) as f64
}

#[napi(js_name = "linearization_bytes")]
pub fn linearization_bytes(recurrence_code: u32, readout_code: u32, m: u32, d: u32, n_max: u32, t: u32) -> Result<f64> {
    let spec = shape(recurrence_code, readout_code, m, d)?;
    Ok(rnn_core::sizes::linearization_bytes(&spec, n_max as usize, t as usize) as f64)
}

#[napi(js_name = "features_bytes")]
pub fn features_bytes(recurrence_code: u32, readout_code: u32, m: u32, d: u32, n_max: u32, t: u32) -> Result<f64> {
    let spec = shape(recurrence_code, readout_code, m, d)?;
    Ok(rnn_core::sizes::features_bytes(&spec, n_max as usize, t as usize) as f64)
}

#[napi(js_name = "teacher_bytes")]
pub fn teacher_bytes(d: u32, count: u32, n_max: u32, t: u32) -> f64 {
    rnn_core::sizes::teacher_bytes(d as usize, count as usize, n_max as usize, t as usize) as f64
}
