package identity

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// argon2id parameters: RFC 9106's second recommended option scaled down to
// keep a sign-in well under 100 ms on a small machine.
const (
	argonTime    = 2
	argonMemory  = 32 * 1024
	argonThreads = 2
	argonKeyLen  = 32
)

// HashPassword returns an encoded argon2id hash of the password.
func HashPassword(password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

var errBadHash = errors.New("identity: malformed password hash")

// argonHash is a decoded argon2id hash.
type argonHash struct {
	salt, key []byte
	time, mem uint32
	threads   uint8
}

// dummy has the parameters of a real hash and a random key that no
// password gives: checking against it costs what a real check costs.
var dummy = func() argonHash {
	h := argonHash{salt: make([]byte, 16), key: make([]byte, argonKeyLen), time: argonTime, mem: argonMemory, threads: argonThreads}
	rand.Read(h.salt)
	rand.Read(h.key)
	return h
}()

// CheckPassword reports whether password matches the encoded hash.
func CheckPassword(encoded, password string) (bool, error) {
	h, err := parseHash(encoded)
	if err != nil {
		return false, err
	}
	return h.matches(password), nil
}

// parseHash decodes a hash made by HashPassword.
func parseHash(encoded string) (argonHash, error) {
	var h argonHash
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return h, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return h, errBadHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &h.mem, &h.time, &h.threads); err != nil || h.time == 0 || h.threads == 0 {
		return h, errBadHash
	}
	enc := base64.RawStdEncoding
	var err error
	if h.salt, err = enc.DecodeString(parts[4]); err != nil {
		return h, errBadHash
	}
	if h.key, err = enc.DecodeString(parts[5]); err != nil || len(h.key) == 0 {
		return h, errBadHash
	}
	return h, nil
}

// matches runs argon2id over password and compares in constant time.
func (h argonHash) matches(password string) bool {
	got := argon2.IDKey([]byte(password), h.salt, h.time, h.mem, h.threads, uint32(len(h.key)))
	return subtle.ConstantTimeCompare(got, h.key) == 1
}
