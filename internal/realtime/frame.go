package realtime

import "encoding/json"

// Frame is one server-to-client message.
type Frame struct {
	Type string `json:"type"`
	Data any    `json:"data,omitempty"`
}

// Frame types sent to clients.
const (
	FrameMessage      = "message.created"
	FrameConversation = "conversation.updated"
	FrameReceipt      = "receipt"
	FrameTyping       = "typing"
	FramePresence     = "presence"
	FrameResync       = "resync"
	FramePong         = "pong"
	FrameError        = "error"
)

// clientFrame is one client-to-server message.
type clientFrame struct {
	Type         string          `json:"type"`
	Conversation string          `json:"conversation"`
	Seq          int64           `json:"seq"`
	Status       string          `json:"status"`
	Extra        json.RawMessage `json:"-"`
}

// receipt is the data of a receipt frame.
type receipt struct {
	Conversation string `json:"conversation"`
	Side         string `json:"side"`
	DeliveredSeq int64  `json:"delivered_seq"`
	ReadSeq      int64  `json:"read_seq"`
}

// typing is the data of a typing frame.
type typing struct {
	Conversation string `json:"conversation"`
	User         string `json:"user"`
	Name         string `json:"name,omitempty"`
}

// maxClientFrame bounds a client frame's JSON; the client sends only
// small control frames.
const maxClientFrame = 4096

// decodeClientFrame reads one client frame: a JSON object of at most
// maxClientFrame bytes with a type.
func decodeClientFrame(data []byte) (clientFrame, bool) {
	var f clientFrame
	if len(data) > maxClientFrame || json.Unmarshal(data, &f) != nil || f.Type == "" {
		return clientFrame{}, false
	}
	return f, true
}
