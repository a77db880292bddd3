package notify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"html/template"
	netmail "net/mail"
	"net/textproto"
	"strings"
	"time"

	"github.com/wneessen/go-mail"

	"warden"
)

// TLSPolicy says whether Email encrypts its connection with STARTTLS.
type TLSPolicy string

// TLS policies. Mandatory (the default, also when empty) refuses to send
// over a server that does not offer STARTTLS, so that alerts and their
// acknowledgement links never cross the network in clear; opportunistic
// encrypts when the server offers it; none never does (a relay on the same
// host).
const (
	TLSMandatory     TLSPolicy = "mandatory"
	TLSOpportunistic TLSPolicy = "opportunistic"
	TLSNone          TLSPolicy = "none"
)

// DefaultSMTPPort is the submission port, where STARTTLS is offered.
const DefaultSMTPPort = 587

// Email sends notifications over SMTP, one connection per message. It is
// safe for concurrent use once configured.
type Email struct {
	Host string
	Port int // zero means DefaultSMTPPort
	// Username and Password, when Username is set, authenticate with SMTP
	// AUTH PLAIN or LOGIN, whichever the server offers; never over an
	// unencrypted connection except to localhost.
	Username, Password string
	From               string // the sender address, e.g. "Warden hotline <hotline@example.org>"
	TLS                TLSPolicy
	// TLSConfig, when set, is used for STARTTLS (RootCAs for a private CA);
	// its ServerName defaults to Host.
	TLSConfig *tls.Config
	// Timeout bounds the connection and each SMTP exchange; zero means
	// DefaultTimeout.
	Timeout time.Duration
}

// Send mails m to the address to, with a plain-text and an HTML part. A 5xx
// reply from the server (an unknown mailbox, refused credentials) gives an
// error wrapping ErrPermanent; a 4xx reply or a network failure a
// temporary one. ctx bounds the connecting; Timeout bounds the rest.
func (e *Email) Send(ctx context.Context, to string, m Message) error {
	rcpt, err := netmail.ParseAddress(to)
	if err != nil {
		return permanent(warden.Errorf(warden.EINVALID, "e-mail address %q: %w", to, err))
	}
	msg, err := e.message(rcpt, m)
	if err != nil {
		return err
	}
	c, err := e.client()
	if err != nil {
		return err
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		if smtp5xx(err) {
			return permanent(fmt.Errorf("e-mail to %s through %s: %w", rcpt.Address, c.ServerAddr(), err))
		}
		return fmt.Errorf("e-mail to %s through %s: %w", rcpt.Address, c.ServerAddr(), err)
	}
	return nil
}

// client returns a go-mail client configured from e.
func (e *Email) client() (*mail.Client, error) {
	port := e.Port
	if port == 0 {
		port = DefaultSMTPPort
	}
	timeout := e.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	var policy mail.TLSPolicy
	switch e.TLS {
	case TLSMandatory, "":
		policy = mail.TLSMandatory
	case TLSOpportunistic:
		policy = mail.TLSOpportunistic
	case TLSNone:
		policy = mail.NoTLS
	default:
		return nil, warden.Errorf(warden.EINVALID, "SMTP TLS policy %q: must be mandatory, opportunistic or none", e.TLS)
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if e.TLSConfig != nil {
		tc = e.TLSConfig.Clone()
	}
	if tc.ServerName == "" {
		tc.ServerName = e.Host
	}
	opts := []mail.Option{
		mail.WithPort(port),
		mail.WithTimeout(timeout),
		mail.WithTLSPolicy(policy),
		mail.WithTLSConfig(tc),
	}
	if e.Username != "" {
		opts = append(opts,
			mail.WithOpportunisticSMTPAuth(mail.SMTPAuthPlain, mail.SMTPAuthLogin),
			mail.WithUsername(e.Username),
			mail.WithPassword(e.Password))
	}
	c, err := mail.NewClient(e.Host, opts...)
	if err != nil {
		return nil, warden.Errorf(warden.EINVALID, "SMTP settings: %w", err)
	}
	return c, nil
}

// smtp5xx reports whether err carries an SMTP 5xx reply: from the
// message's commands (a go-mail SendError) or from the conversation before
// them (AUTH).
func smtp5xx(err error) bool {
	var se *mail.SendError
	if errors.As(err, &se) && se.ErrorCode() >= 500 && se.ErrorCode() < 600 {
		return true
	}
	var te *textproto.Error
	return errors.As(err, &te) && te.Code >= 500 && te.Code < 600
}

// message builds the MIME message for m: multipart/alternative with the
// plain text and the HTML, the delivery id in Message-ID and
// X-Warden-Delivery, and Auto-Submitted so that auto-responders stay
// quiet.
func (e *Email) message(to *netmail.Address, m Message) (*mail.Msg, error) {
	msg := mail.NewMsg()
	if err := msg.From(e.From); err != nil {
		return nil, permanent(warden.Errorf(warden.EINVALID, "sender address %q: %w", e.From, err))
	}
	msg.ToMailAddress(to)
	msg.Subject(oneLine(m.Subject))
	msg.SetDate()
	if m.DeliveryID != "" {
		msg.SetMessageIDWithValue(oneLine(m.DeliveryID) + "@" + domain(e.From))
		msg.SetGenHeader("X-Warden-Delivery", oneLine(m.DeliveryID))
	} else {
		msg.SetMessageID()
	}
	if m.Event != "" {
		msg.SetGenHeader("X-Warden-Event", oneLine(m.Event))
	}
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	// A caller that gives the HTML part has written the message whole,
	// particulars and links included: both parts are sent as given.
	text := m.Text
	if m.HTML == "" {
		text = plainText(m)
	}
	msg.SetBodyString(mail.TypeTextPlain, text)
	html := m.HTML
	if html == "" {
		var b strings.Builder
		if err := emailHTML.Execute(&b, htmlData{m, facts(m.Alert), links(m)}); err != nil {
			return nil, fmt.Errorf("e-mail HTML: %w", err)
		}
		html = b.String()
	}
	msg.AddAlternativeString(mail.TypeTextHTML, html)
	return msg, nil
}

// domain returns the domain of the address from, for Message-IDs, or
// "warden.invalid" when it has none.
func domain(from string) string {
	if a, err := netmail.ParseAddress(from); err == nil {
		if _, d, ok := strings.Cut(a.Address, "@"); ok && d != "" {
			return d
		}
	}
	return "warden.invalid"
}

// plainText is the plain-text part: the text, the alert's particulars and
// the links, each on its own line.
func plainText(m Message) string {
	var b strings.Builder
	b.WriteString(strings.TrimRight(m.Text, "\n"))
	if f := facts(m.Alert); len(f) > 0 {
		b.WriteString("\n\n")
		for _, x := range f {
			fmt.Fprintf(&b, "%s: %s\n", x[0], oneLine(x[1]))
		}
	}
	if l := links(m); len(l) > 0 {
		b.WriteString("\n")
		for _, x := range l {
			fmt.Fprintf(&b, "%s: %s\n", x[0], x[1])
		}
	}
	return strings.TrimLeft(b.String(), "\n") + "\n"
}

// htmlData is what emailHTML renders.
type htmlData struct {
	Message
	Facts [][2]string
	Links [][2]string
}

// emailHTML is the HTML part when the caller gives none. html/template
// escapes every value, and refuses link URLs with unsafe schemes.
var emailHTML = template.Must(template.New("email").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="font-family:sans-serif;line-height:1.4">
<h1 style="font-size:1.2em">{{.Subject}}</h1>
{{with .Text}}<div style="white-space:pre-wrap">{{.}}</div>{{end}}
{{with .Facts}}<table style="margin-top:1em">{{range .}}<tr><th style="text-align:left;padding-right:1em">{{index . 0}}</th><td>{{index . 1}}</td></tr>{{end}}</table>{{end}}
{{with .Links}}<p style="margin-top:1.5em">{{range .}}<a href="{{index . 1}}" style="display:inline-block;margin-right:1em;padding:.5em 1em;border:1px solid #333;text-decoration:none">{{index . 0}}</a>{{end}}</p>
<p style="color:#666;font-size:.9em">Each link works once and expires.</p>{{end}}
</body></html>
`))
