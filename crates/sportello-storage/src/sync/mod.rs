//! Sync between replicas of an office database (issue 11; docs/sync.md):
//! the package that carries one replica's changes to another.
//!
//! What a package is, from the outside in:
//!
//! ```text
//! "SPORTELLO-SYNC" · version (1 byte) · sender id (16) · receiver id (16)
//! · ephemeral X25519 public key (32) · nonce (24)
//! · XChaCha20-Poly1305( signature (64) · manifest length (4, BE) · manifest JSON · entries JSON )
//! ```
//!
//! The clear header is the associated data of the encryption, so a flipped
//! byte anywhere fails the tag and the package is refused whole before
//! anything is read. Inside, the Ed25519 signature of the sender's device key
//! covers the manifest and the entries; the manifest names sender and
//! receiver again (a package re-encrypted for another replica is refused)
//! and carries the SHA-256 of the entries. The key of the encryption is
//! SHA-256 over an X25519 agreement between a key made for this package
//! alone and the receiver's key, so a package can be read only by the
//! replica it was made for, and a stolen package of the past stays closed
//! even to someone who later learns the sender's keys.
//!
//! Architecture invariant: no SQLite and no clock here; the storage gives and
//! takes [`Entry`] values, the service does the rest.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroizing;

use crate::error::{Code, Error};

const MAGIC: &[u8; 14] = b"SPORTELLO-SYNC";
/// The format of the package; a replica refuses a format it does not know.
pub const FORMAT: u8 = 1;
const HEADER_LEN: usize = 14 + 1 + 16 + 16 + 32 + 24;
const KDF_LABEL: &[u8] = b"sportello-sync-v1";

/// One captured write transaction of a replica: a SQLite changeset (old and
/// new value of every changed column), numbered by the replica that sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The sender's sequence number of this change.
    pub seq: i64,
    /// When and by whom the change was made (as the service stamped it).
    pub at: Option<String>,
    pub operator_id: Option<String>,
    /// The replica where the change was made, and its number there: the
    /// sender itself, or (at the hub) the device whose change it forwards.
    pub origin_device: String,
    pub origin_name: String,
    pub origin_seq: i64,
    #[serde(with = "b64")]
    pub changeset: Vec<u8>,
    /// From the hub to an enrolled device: the case (household id) this
    /// entry brings into the device's scope, whole (its changeset inserts
    /// every row of it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enters: Option<String>,
    /// From the hub to an enrolled device: the case that leaves the device's
    /// scope (the changeset is empty; the device removes the case, unless it
    /// holds changes of it the hub has not acknowledged yet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leaves: Option<String>,
    /// When the hub sent only part of its change (the rows in the device's
    /// scope): the hash of the whole change, which is what the device
    /// remembers ([`Entry::seen_hash`]). The same change filtered otherwise
    /// in another package (the scope changed, a package was lost) is then
    /// the same change, not a forgery.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_hash: Option<String>,
}

impl Entry {
    /// SHA-256 of the entry as it travels: what a replica remembers of every
    /// change it applied, to tell a replay (same hash) from a forgery (same
    /// number, other content).
    pub fn hash(&self) -> String {
        let mut h = Sha256::new();
        h.update(b"sportello-sync-entry-v1\0");
        h.update(self.seq.to_be_bytes());
        for s in [self.at.as_deref(), self.operator_id.as_deref()] {
            match s {
                Some(s) => {
                    h.update([1]);
                    h.update((s.len() as u64).to_be_bytes());
                    h.update(s.as_bytes());
                }
                None => h.update([0]),
            }
        }
        for s in [&self.origin_device, &self.origin_name] {
            h.update((s.len() as u64).to_be_bytes());
            h.update(s.as_bytes());
        }
        h.update(self.origin_seq.to_be_bytes());
        h.update((self.changeset.len() as u64).to_be_bytes());
        h.update(&self.changeset);
        // Absent on every entry but the hub's scope moves: the hashes of
        // ordinary changes stay what they were.
        for (label, s) in [(&b"entra"[..], &self.enters), (&b"esce"[..], &self.leaves)] {
            if let Some(s) = s {
                h.update(label);
                h.update((s.len() as u64).to_be_bytes());
                h.update(s.as_bytes());
            }
        }
        hex(&h.finalize())
    }

    /// What the receiver remembers of this change: the hash of the sender's
    /// whole change (see [`Entry::source_hash`]), or of the entry itself.
    pub fn seen_hash(&self) -> String {
        self.source_hash.clone().unwrap_or_else(|| self.hash())
    }
}

/// One row of a replica's hash-chained audit log, as it is stored there
/// (storage/audit.rs): a device's rows travel to the hub in its packages,
/// unchanged, and are checked there as that device's chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub seq: i64,
    pub at: String,
    pub operator_id: String,
    pub action: String,
    pub record_id: Option<String>,
    pub detail: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// One of a device's own blocks of case numbers, as its packages to its hub
/// report it (docs/sync.md, "Case numbers"): a hub restored from a backup
/// no longer knows the blocks it granted after that backup, and records
/// them again from these. The count of numbers used travels as changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockReport {
    pub id: String,
    pub year: i32,
    pub first: i64,
    pub last: i64,
    pub used: i64,
    pub granted_at: String,
}

/// What a package says about itself (signed with the entries).
///
/// Parts added after the first format are optional (`serde(default)`), so
/// each can be left out where it has nothing to say; construct with
/// `..Manifest::default()` for the parts a caller does not fill.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u8,
    /// The sending replica's id and name.
    pub device: String,
    pub device_name: String,
    /// The replica it is for.
    pub receiver: String,
    /// The database schema of the sender: a replica applies only packages of
    /// its own schema (an older one is told to update first).
    pub schema_version: u32,
    /// The package holds every change of the sender after `base` up to
    /// `seq` that the receiver has not made itself.
    pub base: i64,
    pub seq: i64,
    /// The last change of the receiver that the sender has applied: the
    /// receiver's next package to the sender starts after it.
    pub ack: i64,
    /// When it was made (the sender's clock; for people, never for merging).
    pub created_at: String,
    /// SHA-256 of the entries as they are in the package.
    pub entries_sha256: String,
    /// On the network, the hub's answer names the device's package it
    /// answers ([`digest`] of it): the device then knows the answer was made
    /// now, for it, and not replayed from an earlier exchange. Absent in a
    /// package written to a file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<String>,
    /// The sender's own audit rows after the last one the receiver said it
    /// holds (a device to its hub; the hub sends its own chain to nobody).
    /// Covered by the signature with the rest of the manifest.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub audit: Vec<AuditRow>,
    /// The last row of the receiver's audit chain that the sender holds (the
    /// hub to a device): the device's next package starts after it. Set, not
    /// raised: a hub restored from a backup says less, and gets the rest again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_ack: Option<i64>,
    /// A device to its hub: the device's own blocks of case numbers, so that
    /// a hub restored from a backup learns again those it granted after it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blocks: Vec<BlockReport>,
}

/// A package opened and verified: signature, hash, receiver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    pub manifest: Manifest,
    pub entries: Vec<Entry>,
}

/// The secret halves of a replica's keys (from its encrypted database).
pub struct DeviceKeys {
    pub sign_secret: Zeroizing<[u8; 32]>,
    pub box_secret: Zeroizing<[u8; 32]>,
}

impl DeviceKeys {
    /// The public halves: what the other replicas keep of this one.
    pub fn public(&self) -> PublicKeys {
        PublicKeys {
            sign: SigningKey::from_bytes(&self.sign_secret).verifying_key().to_bytes(),
            encrypt: PublicKey::from(&StaticSecret::from(*self.box_secret)).to_bytes(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicKeys {
    pub sign: [u8; 32],
    pub encrypt: [u8; 32],
}

/// The clear header: who sent the package and for whom, before opening it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub sender: uuid::Uuid,
    pub receiver: uuid::Uuid,
}

/// Reads the clear header (the receiver looks up the sender's keys with it).
pub fn header(bytes: &[u8]) -> Result<Header, Error> {
    if bytes.len() < HEADER_LEN + 16 || &bytes[..14] != MAGIC {
        return Err(refused(
            "il file non è un pacchetto di sincronizzazione di Sportello, oppure è troncato",
        ));
    }
    if bytes[14] != FORMAT {
        return Err(refused(&format!(
            "il pacchetto è nel formato {} e questa versione di Sportello legge il formato {FORMAT}: aggiornare il programma",
            bytes[14]
        )));
    }
    let id = |at: usize| uuid::Uuid::from_slice(&bytes[at..at + 16]).expect("16 bytes");
    Ok(Header { sender: id(15), receiver: id(31) })
}

/// Signs `manifest` and `entries` with the sender's keys and encrypts them
/// for the receiver's public key. `ephemeral` and `nonce` are fresh random
/// bytes (the caller's: this module has no source of randomness).
pub fn seal(
    manifest: &Manifest,
    entries: &[Entry],
    sender: &DeviceKeys,
    receiver_encrypt: &[u8; 32],
    ephemeral: Zeroizing<[u8; 32]>,
    nonce: [u8; 24],
) -> Result<Vec<u8>, Error> {
    let sender_id = parse_uuid(&manifest.device)?;
    let receiver_id = parse_uuid(&manifest.receiver)?;
    let entries_json = serde_json::to_vec(entries).map_err(internal)?;
    let mut manifest = manifest.clone();
    manifest.entries_sha256 = hex(&Sha256::digest(&entries_json));
    let manifest_json = serde_json::to_vec(&manifest).map_err(internal)?;
    let mut body = Zeroizing::new(Vec::with_capacity(64 + 4 + manifest_json.len() + entries_json.len()));
    body.extend_from_slice(&[0; 64]);
    body.extend_from_slice(&(manifest_json.len() as u32).to_be_bytes());
    body.extend_from_slice(&manifest_json);
    body.extend_from_slice(&entries_json);
    let signature = SigningKey::from_bytes(&sender.sign_secret).sign(&body[64..]);
    body[..64].copy_from_slice(&signature.to_bytes());

    let ephemeral = StaticSecret::from(*ephemeral);
    let ephemeral_public = PublicKey::from(&ephemeral);
    let mut header = Vec::with_capacity(HEADER_LEN);
    header.extend_from_slice(MAGIC);
    header.push(FORMAT);
    header.extend_from_slice(sender_id.as_bytes());
    header.extend_from_slice(receiver_id.as_bytes());
    header.extend_from_slice(ephemeral_public.as_bytes());
    header.extend_from_slice(&nonce);
    let shared = ephemeral.diffie_hellman(&PublicKey::from(*receiver_encrypt));
    let key = box_key(shared.as_bytes(), ephemeral_public.as_bytes(), receiver_encrypt);
    let cipher = XChaCha20Poly1305::new_from_slice(&key[..])
        .map_err(|_| Error::new(Code::Internal, "chiave del pacchetto non valida"))?;
    let sealed = cipher
        .encrypt(XNonce::from_slice(&nonce), Payload { msg: &body, aad: &header })
        .map_err(|_| Error::new(Code::Internal, "cifratura del pacchetto non riuscita"))?;
    header.extend_from_slice(&sealed);
    Ok(header)
}

/// Opens a package made for `receiver` (its keys and id) by the replica
/// whose signing key is `sender_sign`: decrypts it, checks the signature,
/// that the manifest names the same sender and receiver as the header, and
/// the hash of the entries. Any failure refuses the whole package.
pub fn open(
    bytes: &[u8],
    receiver: &DeviceKeys,
    receiver_id: &str,
    sender_sign: &[u8; 32],
) -> Result<Package, Error> {
    let head = header(bytes)?;
    if head.receiver.to_string() != receiver_id {
        return Err(refused("il pacchetto è stato preparato per un altro dispositivo"));
    }
    let (clear, sealed) = bytes.split_at(HEADER_LEN);
    let ephemeral: [u8; 32] = clear[47..79].try_into().expect("32 bytes");
    let nonce = &clear[79..103];
    let receiver_public = receiver.public().encrypt;
    let shared = StaticSecret::from(*receiver.box_secret).diffie_hellman(&PublicKey::from(ephemeral));
    let key = box_key(shared.as_bytes(), &ephemeral, &receiver_public);
    let cipher = XChaCha20Poly1305::new_from_slice(&key[..])
        .map_err(|_| Error::new(Code::Internal, "chiave del pacchetto non valida"))?;
    let body = Zeroizing::new(
        cipher.decrypt(XNonce::from_slice(nonce), Payload { msg: sealed, aad: clear }).map_err(|_| {
            refused("il pacchetto è stato alterato o troncato (la verifica di integrità non riesce)")
        })?,
    );
    if body.len() < 68 {
        return Err(refused("il contenuto del pacchetto è incompleto"));
    }
    let signature = Signature::from_bytes(body[..64].try_into().expect("64 bytes"));
    let verifying = VerifyingKey::from_bytes(sender_sign)
        .map_err(|_| refused("la chiave del dispositivo mittente non è valida"))?;
    verifying
        .verify(&body[64..], &signature)
        .map_err(|_| refused("la firma del pacchetto non è quella del dispositivo mittente"))?;
    let len = u32::from_be_bytes(body[64..68].try_into().expect("4 bytes")) as usize;
    if body.len() < 68 + len {
        return Err(refused("il contenuto del pacchetto è incompleto"));
    }
    let manifest: Manifest = serde_json::from_slice(&body[68..68 + len])
        .map_err(|e| refused(&format!("manifesto del pacchetto non leggibile: {e}")))?;
    let entries_json = &body[68 + len..];
    if manifest.format != FORMAT {
        return Err(refused("formato del manifesto sconosciuto"));
    }
    if manifest.device != head.sender.to_string() || manifest.receiver != head.receiver.to_string() {
        return Err(refused("il manifesto non corrisponde all'intestazione del pacchetto"));
    }
    if hex(&Sha256::digest(entries_json)) != manifest.entries_sha256 {
        return Err(refused("l'impronta dei cambiamenti non corrisponde al manifesto"));
    }
    let entries: Vec<Entry> = serde_json::from_slice(entries_json)
        .map_err(|e| refused(&format!("cambiamenti del pacchetto non leggibili: {e}")))?;
    let mut previous = manifest.base;
    for e in &entries {
        if e.seq <= previous || e.seq > manifest.seq {
            return Err(refused(
                "i numeri dei cambiamenti non sono in ordine o escono dall'intervallo del manifesto",
            ));
        }
        previous = e.seq;
    }
    Ok(Package { manifest, entries })
}

/// SHA-256 of a whole package as it travels (what an answer's `reply_to` names).
pub fn digest(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// The refusal of a package: nothing of it is applied.
pub fn refused(why: &str) -> Error {
    Error::new(Code::Invalid, format!("Pacchetto rifiutato, nulla è stato applicato: {why}"))
}

fn box_key(shared: &[u8; 32], ephemeral: &[u8; 32], receiver: &[u8; 32]) -> Zeroizing<[u8; 32]> {
    let mut h = Sha256::new();
    h.update(KDF_LABEL);
    h.update(shared);
    h.update(ephemeral);
    h.update(receiver);
    let mut key = Zeroizing::new([0u8; 32]);
    key.copy_from_slice(&h.finalize());
    key
}

fn parse_uuid(s: &str) -> Result<uuid::Uuid, Error> {
    uuid::Uuid::parse_str(s)
        .map_err(|_| Error::new(Code::Internal, format!("id di dispositivo non valido: {s}")))
}

fn internal(e: serde_json::Error) -> Error {
    Error::new(Code::Internal, format!("serializzazione del pacchetto: {e}"))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

mod b64 {
    use base64::Engine;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(v))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let s = String::deserialize(d)?;
        base64::engine::general_purpose::STANDARD.decode(s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(n: u8) -> DeviceKeys {
        DeviceKeys {
            sign_secret: Zeroizing::new([n; 32]),
            box_secret: Zeroizing::new([n.wrapping_add(100); 32]),
        }
    }

    const A: &str = "0190c8a0-0000-7000-8000-00000000000a";
    const B: &str = "0190c8a0-0000-7000-8000-00000000000b";

    fn manifest() -> Manifest {
        Manifest {
            format: FORMAT,
            device: A.into(),
            device_name: "portatile".into(),
            receiver: B.into(),
            schema_version: 7,
            base: 0,
            seq: 2,
            ack: 0,
            created_at: "2026-11-20T10:00:00.000Z".into(),
            ..Manifest::default()
        }
    }

    fn entries() -> Vec<Entry> {
        vec![Entry {
            seq: 2,
            at: Some("2026-11-20T09:00:00.000Z".into()),
            operator_id: None,
            origin_device: A.into(),
            origin_name: "portatile".into(),
            origin_seq: 2,
            changeset: vec![1, 2, 3, 0, 255],
            enters: None,
            leaves: None,
            source_hash: None,
        }]
    }

    fn sealed() -> Vec<u8> {
        seal(&manifest(), &entries(), &keys(1), &keys(2).public().encrypt, Zeroizing::new([7; 32]), [9; 24])
            .unwrap()
    }

    #[test]
    fn a_package_opens_for_its_receiver_with_the_senders_key() {
        let p = open(&sealed(), &keys(2), B, &keys(1).public().sign).unwrap();
        assert_eq!(p.entries, entries());
        assert_eq!(p.manifest.seq, 2);
        assert_eq!(header(&sealed()).unwrap().sender.to_string(), A);
    }

    #[test]
    fn every_flipped_byte_refuses_the_package() {
        let good = sealed();
        for i in (0..good.len()).step_by(7) {
            let mut bad = good.clone();
            bad[i] ^= 0x01;
            assert!(open(&bad, &keys(2), B, &keys(1).public().sign).is_err(), "byte {i}");
        }
        assert!(open(&good[..good.len() - 1], &keys(2), B, &keys(1).public().sign).is_err(), "truncated");
    }

    #[test]
    fn another_receiver_or_another_signer_is_refused() {
        assert!(open(&sealed(), &keys(3), B, &keys(1).public().sign).is_err(), "wrong receiver key");
        assert!(open(&sealed(), &keys(2), A, &keys(1).public().sign).is_err(), "wrong receiver id");
        let e = open(&sealed(), &keys(2), B, &keys(4).public().sign).unwrap_err();
        assert!(e.message.contains("firma"), "{}", e.message);
    }

    #[test]
    fn the_audit_rows_travel_signed_and_an_older_manifest_still_reads() {
        let mut m = manifest();
        m.audit = vec![AuditRow {
            seq: 1,
            at: "2026-11-20T09:00:00.000Z".into(),
            operator_id: "op".into(),
            action: "household_get".into(),
            record_id: Some("rec".into()),
            detail: None,
            prev_hash: "0".repeat(64),
            hash: "1".repeat(64),
        }];
        m.audit_ack = Some(4);
        let bytes =
            seal(&m, &entries(), &keys(1), &keys(2).public().encrypt, Zeroizing::new([7; 32]), [9; 24])
                .unwrap();
        let p = open(&bytes, &keys(2), B, &keys(1).public().sign).unwrap();
        assert_eq!((p.manifest.audit, p.manifest.audit_ack), (m.audit, Some(4)));
        // A manifest of before these parts (none of their keys) reads as empty.
        let old = r#"{"format":1,"device":"a","device_name":"b","receiver":"c","schema_version":7,"base":0,"seq":0,"ack":0,"created_at":"x","entries_sha256":""}"#;
        let m: Manifest = serde_json::from_str(old).unwrap();
        assert!(m.audit.is_empty() && m.audit_ack.is_none());
    }

    #[test]
    fn the_entry_hash_changes_with_any_part_of_the_entry() {
        let e = entries().remove(0);
        let mut other = e.clone();
        other.changeset.push(0);
        assert_ne!(e.hash(), other.hash());
        let mut other = e.clone();
        other.at = None;
        assert_ne!(e.hash(), other.hash());
        assert_eq!(e.hash(), e.clone().hash());
    }
}
