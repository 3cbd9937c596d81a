package safehttp

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"strconv"
	"strings"
	"syscall"
)

// Failure classes: what Class reports.
const (
	ClassBlocked     = "blocked address"
	ClassRedirect    = "redirect not followed"
	ClassDNS         = "dns lookup failed"
	ClassRefused     = "connection refused"
	ClassReset       = "connection reset"
	ClassTimeout     = "timeout"
	ClassTLS         = "tls"
	ClassUnreachable = "network unreachable"
	ClassNetwork     = "network error"
)

// Class names the kind of a failed request's error without its text (which
// may name internal hosts and ports): one of the Class constants.
func Class(err error) string {
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var recErr tls.RecordHeaderError
	var alert tls.AlertError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalid x509.CertificateInvalidError
	var ne net.Error
	switch {
	case errors.Is(err, ErrBlocked):
		return ClassBlocked
	case errors.Is(err, ErrRedirect):
		return ClassRedirect
	case errors.As(err, &dnsErr):
		return ClassDNS
	case errors.Is(err, syscall.ECONNREFUSED):
		return ClassRefused
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return ClassReset
	case errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTUNREACH):
		return ClassUnreachable
	case errors.As(err, &certErr), errors.As(err, &recErr), errors.As(err, &alert),
		errors.As(err, &unknownAuth), errors.As(err, &hostErr), errors.As(err, &invalid):
		return ClassTLS
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return ClassTimeout
	case err != nil && (strings.Contains(err.Error(), "tls: ") || strings.Contains(err.Error(), "HTTPS client")):
		// crypto/tls and net/http report many handshake failures as
		// plain errors.
		return ClassTLS
	}
	return ClassNetwork
}

// StatusClass is the class of an answer that is not 2xx: "http 503".
func StatusClass(status int) string { return "http " + strconv.Itoa(status) }
