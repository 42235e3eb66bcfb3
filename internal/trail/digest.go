package trail

import (
	"bytes"
	"compress/gzip"
	"crypto"
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// Log file integrity validation, as CloudTrail does it: every hour a digest
// file lists the log files delivered in that hour with the SHA-256 of their
// uncompressed content, and names the previous digest file, its hash and
// its signature, so the digests form a chain. Each digest is signed with
// RSA (SHA256withRSA) over
//
//	digestEndTime \n digestS3Bucket/digestS3Object \n hex(SHA-256(uncompressed digest)) \n previous signature (or "null")
//
// (CloudTrail User Guide, "Custom implementations of CloudTrail log file
// integrity validation"). CloudTrail keeps the signature in the digest
// object's S3 metadata (x-amz-meta-signature, x-amz-meta-signature-algorithm);
// moat's directory stands for the bucket and has no object metadata, so it
// writes the same two values beside the digest as <digest>.metadata.json.

// DigestState is a trail's digest chain for one account and region.
type DigestState struct {
	Start         time.Time       `json:"start"`
	LogFiles      []DigestLogFile `json:"logFiles,omitempty"`
	PrevBucket    string          `json:"prevBucket,omitempty"`
	PrevObject    string          `json:"prevObject,omitempty"`
	PrevHash      string          `json:"prevHash,omitempty"`
	PrevSignature string          `json:"prevSignature,omitempty"`
}

// DigestLogFile is one log file in a digest.
type DigestLogFile struct {
	S3Bucket        string `json:"s3Bucket"`
	S3Object        string `json:"s3Object"`
	HashValue       string `json:"hashValue"`
	HashAlgorithm   string `json:"hashAlgorithm"`
	NewestEventTime string `json:"newestEventTime"`
	OldestEventTime string `json:"oldestEventTime"`
}

// Digest is a digest file's content, in CloudTrail's field order.
type Digest struct {
	AWSAccountID                string          `json:"awsAccountId"`
	DigestStartTime             string          `json:"digestStartTime"`
	DigestEndTime               string          `json:"digestEndTime"`
	DigestS3Bucket              string          `json:"digestS3Bucket"`
	DigestS3Object              string          `json:"digestS3Object"`
	DigestPublicKeyFingerprint  string          `json:"digestPublicKeyFingerprint"`
	DigestSignatureAlgorithm    string          `json:"digestSignatureAlgorithm"`
	NewestEventTime             *string         `json:"newestEventTime"`
	OldestEventTime             *string         `json:"oldestEventTime"`
	PreviousDigestS3Bucket      *string         `json:"previousDigestS3Bucket"`
	PreviousDigestS3Object      *string         `json:"previousDigestS3Object"`
	PreviousDigestHashValue     *string         `json:"previousDigestHashValue"`
	PreviousDigestHashAlgorithm *string         `json:"previousDigestHashAlgorithm"`
	PreviousDigestSignature     *string         `json:"previousDigestSignature"`
	LogFiles                    []DigestLogFile `json:"logFiles"`
}

// DigestMetadata stands for the digest object's S3 metadata.
type DigestMetadata struct {
	Signature          string `json:"signature"`
	SignatureAlgorithm string `json:"signature-algorithm"`
}

// MetadataSuffix names the file beside a digest that holds its signature.
const MetadataSuffix = ".metadata.json"

// DigestFileKey is the object key of a digest file:
// AWSLogs/<account>/CloudTrail-Digest/<region>/<yyyy>/<mm>/<dd>/<account>_CloudTrail-Digest_<region>_<trail>_<home region>_<end>.json.gz.
func DigestFileKey(orgID, account, region, trailName, homeRegion string, end time.Time) string {
	end = end.UTC()
	prefix := "AWSLogs/"
	if orgID != "" {
		prefix += orgID + "/"
	}
	return fmt.Sprintf("%s%s/CloudTrail-Digest/%s/%s/%s_CloudTrail-Digest_%s_%s_%s_%s.json.gz",
		prefix, account, region, end.Format("2006/01/02"), account, region, trailName, homeRegion, end.Format("20060102T150405Z"))
}

// DigestKey is the RSA key that signs digests.
type DigestKey struct {
	Private     *rsa.PrivateKey
	Fingerprint string // hex MD5 of the PKCS#1 public key
}

// LoadOrCreateDigestKey reads the key at path (PEM, PKCS#1), creating it
// with mode 0600 when missing, and writes the public key beside it as
// <path>.pub.pem for `moat trail validate`.
func LoadOrCreateDigestKey(path string) (*DigestKey, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, err
		}
		b = pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)})
		if err := os.WriteFile(path, b, 0o600); err != nil {
			return nil, err
		}
		pub := pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&k.PublicKey)})
		if err := os.WriteFile(path+".pub.pem", pub, 0o644); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, err
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, fmt.Errorf("trail: digest key %s: no PEM block", path)
	}
	k, err := x509.ParsePKCS1PrivateKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("trail: digest key %s: %w", path, err)
	}
	return &DigestKey{Private: k, Fingerprint: Fingerprint(&k.PublicKey)}, nil
}

// Fingerprint is the hex MD5 of a public key's PKCS#1 DER form (CloudTrail's
// ListPublicKeys and digest files give 32 hex digits).
func Fingerprint(pub *rsa.PublicKey) string {
	sum := md5.Sum(x509.MarshalPKCS1PublicKey(pub))
	return hex.EncodeToString(sum[:])
}

// ReadPublicKey reads a PEM public key (PKCS#1 or PKIX).
func ReadPublicKey(path string) (*rsa.PublicKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, fmt.Errorf("trail: %s: no PEM block", path)
	}
	if k, err := x509.ParsePKCS1PublicKey(blk.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKIXPublicKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("trail: %s: %w", path, err)
	}
	rk, ok := k.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("trail: %s: not an RSA key", path)
	}
	return rk, nil
}

// stringToSign is the data a digest's signature covers.
func stringToSign(d *Digest, inflated []byte) []byte {
	sum := sha256.Sum256(inflated)
	prev := "null"
	if d.PreviousDigestSignature != nil {
		prev = *d.PreviousDigestSignature
	}
	return []byte(d.DigestEndTime + "\n" + d.DigestS3Bucket + "/" + d.DigestS3Object + "\n" + hex.EncodeToString(sum[:]) + "\n" + prev)
}

// buildDigest makes the digest closing st at end, signs it and returns the
// gzip file, its metadata, and the chain state for the next hour.
func buildDigest(key *DigestKey, account, bucket, object string, st *DigestState, end time.Time) (gz []byte, meta DigestMetadata, next *DigestState, err error) {
	d := Digest{
		AWSAccountID: account, DigestStartTime: st.Start.UTC().Format(timeLayout), DigestEndTime: end.UTC().Format(timeLayout),
		DigestS3Bucket: bucket, DigestS3Object: object, DigestPublicKeyFingerprint: key.Fingerprint, DigestSignatureAlgorithm: "SHA256withRSA",
		LogFiles: st.LogFiles,
	}
	if d.LogFiles == nil {
		d.LogFiles = []DigestLogFile{}
	}
	for i := range st.LogFiles {
		lf := &st.LogFiles[i]
		if d.NewestEventTime == nil || lf.NewestEventTime > *d.NewestEventTime {
			d.NewestEventTime = &lf.NewestEventTime
		}
		if d.OldestEventTime == nil || lf.OldestEventTime < *d.OldestEventTime {
			d.OldestEventTime = &lf.OldestEventTime
		}
	}
	if st.PrevObject != "" {
		alg := "SHA-256"
		d.PreviousDigestS3Bucket, d.PreviousDigestS3Object, d.PreviousDigestHashValue = &st.PrevBucket, &st.PrevObject, &st.PrevHash
		d.PreviousDigestHashAlgorithm, d.PreviousDigestSignature = &alg, &st.PrevSignature
	}
	inflated, err := json.Marshal(&d)
	if err != nil {
		return nil, meta, nil, err
	}
	h := sha256.Sum256(stringToSign(&d, inflated))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key.Private, crypto.SHA256, h[:])
	if err != nil {
		return nil, meta, nil, err
	}
	meta = DigestMetadata{Signature: hex.EncodeToString(sig), SignatureAlgorithm: "SHA256withRSA"}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(inflated); err != nil {
		return nil, meta, nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, meta, nil, err
	}
	sum := sha256.Sum256(inflated)
	next = &DigestState{Start: end, PrevBucket: bucket, PrevObject: object, PrevHash: hex.EncodeToString(sum[:]), PrevSignature: meta.Signature}
	return buf.Bytes(), meta, next, nil
}

// inflate reads a gzip file whole.
func inflate(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}

// PublicKeyDER is the key's public half as PKCS#1 DER (what ListPublicKeys
// returns as Value).
func PublicKeyDER(k *DigestKey) []byte { return x509.MarshalPKCS1PublicKey(&k.Private.PublicKey) }
