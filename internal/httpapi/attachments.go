package httpapi

import (
	"context"
	"errors"
	"io"
	"net/http"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/identity"
)

// AttachmentService stores uploads and serves them to those who may see
// them.
type AttachmentService interface {
	Upload(ctx context.Context, p *identity.Principal, filename string, r io.Reader) (parley.AttachmentRef, error)
	Serve(w http.ResponseWriter, r *http.Request, p *identity.Principal, id int64) error
	// MaxSize is the largest file accepted.
	MaxSize() int64
}

func uploadAttachment(s *Server, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	// The multipart envelope adds a little to the file's own limit.
	r.Body = http.MaxBytesReader(w, r.Body, s.Attachments.MaxSize()+64<<10)
	mr, err := r.MultipartReader()
	if err != nil {
		return parley.Errorf(parley.EBadRequest, "Send the file as multipart/form-data in a field named \"file\".")
	}
	for {
		part, err := mr.NextPart()
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errTooLarge
		}
		if err == io.EOF {
			return parley.Invalid(parley.FieldError{Field: "file", Message: "is required"})
		} else if err != nil {
			return parley.Errorf(parley.EBadRequest, "The multipart body is malformed.")
		}
		if part.FormName() != "file" {
			part.Close()
			continue
		}
		ref, err := s.Attachments.Upload(r.Context(), p, part.FileName(), part)
		if errors.As(err, &mbe) {
			return errTooLarge
		}
		if err != nil {
			return err
		}
		encode(w, http.StatusCreated, ref)
		return nil
	}
}

func getAttachment(s *Server, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	id, err := pathID(r, "id", "attachment")
	if err != nil {
		return err
	}
	return s.Attachments.Serve(w, r, p, id)
}
