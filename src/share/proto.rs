//! Reading the project's small protobuf messages (the envelope and the
//! attachment pointer) with the engine's protobuf reader: each field at most
//! once, with the wire type it should have.

use std::collections::BTreeMap;

use thiserror::Error;

use crate::engine::protobuf::{self, Payload, ProtobufError};

#[derive(Debug, Error)]
pub enum ProtoError {
    #[error("not valid protobuf: {0}")]
    Protobuf(#[from] ProtobufError),
    #[error("field {0} appears twice")]
    Repeated(u32),
    #[error("the {0} is missing")]
    Missing(&'static str),
    #[error("the {0} has the wrong type or length")]
    Invalid(&'static str),
}

pub struct Fields<'a>(BTreeMap<u32, Payload<'a>>);

impl<'a> Fields<'a> {
    pub fn parse(bytes: &'a [u8]) -> Result<Self, ProtoError> {
        let mut map = BTreeMap::new();
        for field in protobuf::parse(bytes)? {
            if map.insert(field.number, field.payload).is_some() {
                return Err(ProtoError::Repeated(field.number));
            }
        }
        Ok(Self(map))
    }

    pub fn opt_uint(&self, number: u32, name: &'static str) -> Result<Option<u64>, ProtoError> {
        match self.0.get(&number) {
            None => Ok(None),
            Some(Payload::Varint(v)) => Ok(Some(*v)),
            Some(_) => Err(ProtoError::Invalid(name)),
        }
    }

    pub fn uint(&self, number: u32, name: &'static str) -> Result<u64, ProtoError> {
        self.opt_uint(number, name)?
            .ok_or(ProtoError::Missing(name))
    }

    pub fn opt_bytes(
        &self,
        number: u32,
        name: &'static str,
    ) -> Result<Option<&'a [u8]>, ProtoError> {
        match self.0.get(&number) {
            None => Ok(None),
            Some(Payload::Bytes(b)) => Ok(Some(b)),
            Some(_) => Err(ProtoError::Invalid(name)),
        }
    }

    pub fn bytes(&self, number: u32, name: &'static str) -> Result<&'a [u8], ProtoError> {
        self.opt_bytes(number, name)?
            .ok_or(ProtoError::Missing(name))
    }

    pub fn array<const N: usize>(
        &self,
        number: u32,
        name: &'static str,
    ) -> Result<[u8; N], ProtoError> {
        self.bytes(number, name)?
            .try_into()
            .map_err(|_| ProtoError::Invalid(name))
    }

    pub fn string(&self, number: u32, name: &'static str) -> Result<String, ProtoError> {
        String::from_utf8(self.bytes(number, name)?.to_vec()).map_err(|_| ProtoError::Invalid(name))
    }
}
