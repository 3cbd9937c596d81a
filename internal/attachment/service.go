package attachment

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/blob"
	"github.com/parleyhq/parley/internal/outbox"
	"github.com/parleyhq/parley/internal/store"
)

// DefaultMaxSize is the upload limit when Config.MaxSize is 0: 25 MiB.
const DefaultMaxSize = 25 << 20

// Config configures a Service.
type Config struct {
	// MaxSize is the largest accepted file in bytes; 0 means DefaultMaxSize.
	MaxSize int64
	// TempDir holds uploads while they are checked; "" means os.TempDir().
	TempDir string
	// Retention is how long an upload that no message took is kept; 0
	// means DefaultRetention.
	Retention time.Duration
	Log       *slog.Logger
}

// Service accepts, records and opens attachments, and cleans up the
// uploads that no message took (cleanup.go).
type Service struct {
	db         *store.DB
	blobs      blob.Store
	maxSize    int64
	tempDir    string
	retention  time.Duration
	sweepEvery time.Duration
	log        *slog.Logger
	queue      *outbox.Queue // set by Register
}

// NewService returns a Service keeping records in db and bytes in blobs.
// blobs should record put times by db's clock.
func NewService(db *store.DB, blobs blob.Store, cfg Config) *Service {
	if cfg.MaxSize <= 0 {
		cfg.MaxSize = DefaultMaxSize
	}
	if cfg.Retention <= 0 {
		cfg.Retention = DefaultRetention
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	return &Service{db: db, blobs: blobs, maxSize: cfg.MaxSize, tempDir: cfg.TempDir,
		retention: cfg.Retention, sweepEvery: sweepEvery(cfg.Retention), log: cfg.Log.With("component", "attachment")}
}

// MaxSize is the upload limit in bytes. An HTTP handler should also cap the
// request body a little above it (http.MaxBytesReader) so that a client
// cannot stream forever; Upload maps *http.MaxBytesError to too_large.
func (s *Service) MaxSize() int64 { return s.maxSize }

// Upload checks the file read from r and records it as an unattached upload
// of uploaderUserID. It fails with too_large over the limit,
// unsupported_type for anything but the accepted types (doc.go), and
// validation_failed for an empty file; nothing is stored then.
func (s *Service) Upload(ctx context.Context, marketplaceID, uploaderUserID int64, filename string, r io.Reader) (Attachment, error) {
	tmp, err := os.CreateTemp(s.tempDir, "parley-upload-*")
	if err != nil {
		return Attachment{}, fmt.Errorf("upload: %w", err)
	}
	defer func() {
		tmp.Close()
		os.Remove(tmp.Name())
	}()

	h := sha256.New()
	var text textCheck
	size, err := io.Copy(io.MultiWriter(tmp, h, &text), io.LimitReader(r, s.maxSize+1))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) || size > s.maxSize {
		return Attachment{}, parley.Errorf(parley.ETooLarge, "The file is larger than the limit of %s.", formatSize(s.maxSize))
	} else if err != nil {
		return Attachment{}, fmt.Errorf("upload: read: %w", err)
	}
	if size == 0 {
		return Attachment{}, parley.Invalid(parley.FieldError{Field: "file", Message: "is empty"})
	}

	contentType, err := detect(tmp, size, !text.binary)
	if err != nil {
		return Attachment{}, fmt.Errorf("upload: sniff: %w", err)
	} else if contentType == "" {
		return Attachment{}, parley.Errorf(parley.EUnsupportedType,
			"This type of file is not accepted. Send a JPEG, PNG, WebP or GIF image, a PDF, plain text, or a Word, Excel or PowerPoint (.docx, .xlsx, .pptx) document.")
	}
	if err := ctx.Err(); err != nil {
		return Attachment{}, err
	}

	// The blob first, then the row. Put also refreshes the put time of a
	// blob that exists, which keeps the clean-up from deleting it until the
	// row is written; the row must therefore follow within maxPutToRow
	// (see release in cleanup.go).
	key := hex.EncodeToString(h.Sum(nil))
	putAt := s.db.Now()
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return Attachment{}, fmt.Errorf("upload: %w", err)
	}
	if err := s.blobs.Put(ctx, key, tmp); err != nil {
		return Attachment{}, fmt.Errorf("upload: %w", err)
	}

	row := store.Attachment{
		MarketplaceID:  marketplaceID,
		UploaderUserID: uploaderUserID,
		Name:           withExtension(SanitizeName(filename), contentType),
		Size:           size,
		ContentType:    contentType,
		SHA256:         key,
	}
	if err := s.db.Write(ctx, func(tx *store.Tx) error {
		if tx.Now().Sub(putAt) > maxPutToRow {
			return fmt.Errorf("the blob was put %s before its row, longer than the clean-up allows", tx.Now().Sub(putAt))
		}
		return store.CreateAttachment(tx, &row)
	}); err != nil {
		return Attachment{}, fmt.Errorf("upload: %w", err)
	}
	return FromStore(row), nil
}

// Get returns the attachment id, or not_found. It does not check who may see
// it: that is the caller's (the uploader until attached, then the
// conversation's parties).
func (s *Service) Get(ctx context.Context, id int64) (Attachment, error) {
	a, err := store.AttachmentByID(s.db.Reader(ctx), id)
	if errors.Is(err, store.ErrNotFound) {
		return Attachment{}, parley.NotFound("attachment")
	} else if err != nil {
		return Attachment{}, fmt.Errorf("get attachment %d: %w", id, err)
	}
	return FromStore(a), nil
}

// Open returns the content of a. Rows are only written after their blob
// and a blob is only deleted once no row references it, so a missing blob
// means that the clean-up expired the upload since a was read (not_found),
// unless the row is still there (an internal error).
func (s *Service) Open(ctx context.Context, a Attachment) (io.ReadSeekCloser, error) {
	f, err := s.blobs.Open(ctx, a.SHA256)
	if errors.Is(err, blob.ErrNotFound) {
		if _, rerr := store.AttachmentByID(s.db.Reader(ctx), a.ID); errors.Is(rerr, store.ErrNotFound) {
			return nil, parley.NotFound("attachment")
		}
	}
	if err != nil {
		return nil, fmt.Errorf("open attachment %d: %w", a.ID, err)
	}
	return f, nil
}

// formatSize writes a limit for people: whole mebibytes as "MB", the way
// users read them, otherwise bytes.
func formatSize(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}
