package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	"warden"
)

// DefaultTimeout bounds one delivery attempt when a channel sets none: a
// receiver that has not answered by then is treated as down, and the
// attempt is retried later.
const DefaultTimeout = 10 * time.Second

// maxAnswer caps what is read of a webhook's answer: enough to let the
// connection be reused, not enough for a hostile receiver to fill memory.
// Errors give its size, never its text, which may carry the receiver's
// internals into the hotline log.
const maxAnswer = 64 << 10

// Webhook posts notifications as JSON to chat systems and to outside
// systems' endpoints, signed with the endpoint's secrets. The zero value
// is ready to use; a Webhook is safe for concurrent use and reuses its
// connections, so one serves every delivery.
type Webhook struct {
	// Timeout bounds one request, answer included; zero means
	// DefaultTimeout.
	Timeout time.Duration
	// Now gives the time signed into X-Warden-Timestamp; nil means
	// time.Now. Tests set it.
	Now func() time.Time
	// PublicOnly refuses to connect to addresses that are not public
	// (loopback, private, link-local, shared, reserved, documentation,
	// multicast, and IPv6 ones that embed an IPv4 address), checked on
	// the address actually dialled so that a name resolving there later
	// is refused too. Webhooks a person enters for themselves are sent
	// this way: otherwise anyone could make the server probe its own
	// network and read the answers back in the log.
	PublicOnly bool

	once   sync.Once
	client *http.Client
}

// httpClient returns the client shared by w's requests. It follows no
// redirect: a signed request must go where it was addressed, and an
// endpoint that moved is the receiver's to fix.
func (w *Webhook) httpClient() *http.Client {
	w.once.Do(func() {
		w.client = &http.Client{
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
		if w.PublicOnly {
			t := http.DefaultTransport.(*http.Transport).Clone()
			t.Proxy = nil // a proxy would dial for us, past the check
			t.DialContext = (&net.Dialer{Timeout: 30 * time.Second, Control: publicOnly}).DialContext
			w.client.Transport = t
		}
	})
	return w.client
}

// errNotPublic is why a PublicOnly webhook refused an address.
var errNotPublic = errors.New("not a public address")

// special are the prefixes of IANA's special-purpose address registries
// (RFC 6890 and its updates) that a personal webhook may not reach: not
// globally reachable, reserved, for documentation or benchmarks, or
// carrying an IPv4 address inside an IPv6 one (NAT64, 6to4, Teredo,
// IPv4-compatible), which a translator would take to any IPv4 host,
// loopback and private ones included. IPv4-mapped addresses are unmapped
// and checked as IPv4.
var special = func() []netip.Prefix {
	var ps []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8",       // "this network"
		"10.0.0.0/8",      // private
		"100.64.0.0/10",   // shared address space (carrier-grade NAT; 100.100.100.200 is a cloud's metadata)
		"127.0.0.0/8",     // loopback
		"169.254.0.0/16",  // link-local (169.254.169.254: cloud metadata)
		"172.16.0.0/12",   // private
		"192.0.0.0/24",    // IETF protocol assignments
		"192.0.2.0/24",    // documentation (TEST-NET-1)
		"192.31.196.0/24", // AS112
		"192.52.193.0/24", // AMT
		"192.88.99.0/24",  // 6to4 relay anycast
		"192.168.0.0/16",  // private
		"192.175.48.0/24", // AS112 direct delegation
		"198.18.0.0/15",   // benchmarking
		"198.51.100.0/24", // documentation (TEST-NET-2)
		"203.0.113.0/24",  // documentation (TEST-NET-3)
		"224.0.0.0/4",     // multicast
		"240.0.0.0/4",     // reserved, and the limited broadcast address
		"::/96",           // unspecified, loopback, IPv4-compatible (::7f00:1)
		"64:ff9b::/96",    // NAT64, well-known prefix
		"64:ff9b:1::/48",  // NAT64, local use
		"100::/64",        // discard-only
		"2001::/23",       // IETF protocol assignments: Teredo, benchmarking, ORCHID
		"2001:db8::/32",   // documentation
		"2002::/16",       // 6to4
		"3fff::/20",       // documentation
		"5f00::/16",       // segment routing SIDs
		"fc00::/7",        // unique local
		"fe80::/10",       // link-local
		"fec0::/10",       // site-local (deprecated)
		"ff00::/8",        // multicast
	} {
		ps = append(ps, netip.MustParsePrefix(s))
	}
	return ps
}()

// Public reports whether ip is a globally reachable unicast address: what
// a PublicOnly webhook may connect to. The hotline also checks a personal
// webhook's literal address with it when the method is added, so that the
// person hears at once, not from a dead letter.
func Public(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsGlobalUnicast() {
		return false
	}
	for _, p := range special {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// publicOnly is a dialer's Control that refuses addresses that are not
// public.
func publicOnly(network, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	ip, err := netip.ParseAddr(host)
	if err != nil || !Public(ip) {
		return fmt.Errorf("%s: %w: personal webhooks must be reachable on the internet", address, errNotPublic)
	}
	return nil
}

// Send posts m to rawURL in format (generic, slack or teams; empty means
// generic). It returns nil
// on a 2xx answer, an error wrapping ErrPermanent on a 3xx or a 4xx other
// than 408 and 429, and a temporary error otherwise. Errors name only the
// URL's scheme and host, since chat webhook URLs carry their token in the
// path.
func (w *Webhook) Send(ctx context.Context, rawURL string, format warden.WebhookFormat, m Message) error {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return permanent(warden.Errorf(warden.EINVALID, "webhook URL must be an absolute http or https URL"))
	}
	where := u.Scheme + "://" + u.Host
	body, err := webhookBody(format, m)
	if err != nil {
		return err
	}
	timeout := w.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return permanent(fmt.Errorf("webhook %s: %w", where, err))
	}
	now := time.Now
	if w.Now != nil {
		now = w.Now
	}
	ts := strconv.FormatInt(now().Unix(), 10)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Warden-Hotline/1")
	req.Header.Set("X-Warden-Delivery", m.DeliveryID)
	req.Header.Set("X-Warden-Event", m.Event)
	req.Header.Set("X-Warden-Timestamp", ts)
	if sig := sign(m.Secrets, ts, body); sig != "" {
		req.Header.Set("X-Warden-Signature", sig)
	}
	resp, err := w.httpClient().Do(req)
	if err != nil {
		// url.Error repeats the whole URL, token and all: keep its cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		if ctx.Err() != nil && errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("webhook %s: no answer within %s: %w", where, timeout, err)
		}
		if errors.Is(err, errNotPublic) {
			return permanent(fmt.Errorf("webhook %s: %w", where, err))
		}
		return fmt.Errorf("webhook %s: %w", where, err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	switch code := resp.StatusCode; {
	case code >= 200 && code < 300:
		return nil
	case code >= 300 && code < 400:
		return permanent(fmt.Errorf("webhook %s: answered %s, redirect not followed", where, resp.Status))
	case code >= 400 && code < 500 && code != http.StatusRequestTimeout && code != http.StatusTooManyRequests:
		return permanent(fmt.Errorf("webhook %s: answered %s (%d bytes)", where, resp.Status, len(answer)))
	default:
		return fmt.Errorf("webhook %s: answered %s (%d bytes)", where, resp.Status, len(answer))
	}
}

// webhookBody encodes m in format.
func webhookBody(format warden.WebhookFormat, m Message) ([]byte, error) {
	var v any
	switch format {
	case warden.FormatGeneric, "":
		v = genericBody{
			Delivery:   m.DeliveryID,
			Event:      m.Event,
			Subject:    m.Subject,
			Text:       m.Text,
			Alert:      m.Alert,
			AckURL:     m.AckURL,
			ResolveURL: m.ResolveURL,
		}
	case warden.FormatSlack:
		v = slackBody(m)
	case warden.FormatTeams:
		v = teamsBody(m)
	default:
		return nil, permanent(warden.Errorf(warden.EINVALID, "webhook format %q: must be generic, slack or teams", format))
	}
	return json.Marshal(v)
}

// genericBody is Warden's own webhook body, for outside systems.
type genericBody struct {
	Delivery   string        `json:"delivery"`
	Event      string        `json:"event"`
	Subject    string        `json:"subject"`
	Text       string        `json:"text"`
	Alert      *warden.Alert `json:"alert,omitempty"`
	AckURL     string        `json:"ack_url,omitempty"`
	ResolveURL string        `json:"resolve_url,omitempty"`
}

// links are the links a message offers, label and URL, in order: those
// of m's that are http or https URLs, so that no other scheme (javascript:,
// data:) becomes a button.
func links(m Message) [][2]string {
	var l [][2]string
	for _, x := range [][2]string{{"Acknowledge", m.AckURL}, {"Resolve", m.ResolveURL}} {
		if u, err := url.Parse(x[1]); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
			l = append(l, x)
		}
	}
	return l
}

// facts are the alert's particulars that chat messages show beside the
// text.
func facts(a *warden.Alert) [][2]string {
	if a == nil {
		return nil
	}
	f := [][2]string{
		{"Alert", "#" + strconv.FormatInt(a.ID, 10)},
		{"Severity", string(a.Severity)},
		{"Status", string(a.Status)},
	}
	if a.Object != "" {
		f = append(f, [2]string{"About", a.Object})
	}
	return f
}

// Slack's limits on a section's text and a button's URL, in characters.
const (
	slackTextMax = 3000
	slackURLMax  = 3000
)

// slackBody is an incoming-webhook message: text (shown in notifications
// and by clients without blocks) and blocks: a section in mrkdwn and the
// link buttons.
func slackBody(m Message) map[string]any {
	var b strings.Builder
	fmt.Fprintf(&b, "*%s*", slackEscape(oneLine(m.Subject)))
	if m.Text != "" {
		b.WriteString("\n" + slackEscape(m.Text))
	}
	for _, f := range facts(m.Alert) {
		fmt.Fprintf(&b, "\n*%s:* %s", f[0], slackEscape(oneLine(f[1])))
	}
	blocks := []any{map[string]any{
		"type": "section",
		"text": map[string]any{"type": "mrkdwn", "text": truncate(b.String(), slackTextMax)},
	}}
	var buttons []any
	for i, l := range links(m) {
		if len(l[1]) > slackURLMax {
			continue
		}
		button := map[string]any{
			"type":      "button",
			"action_id": strings.ToLower(l[0]),
			"text":      map[string]any{"type": "plain_text", "text": l[0]},
			"url":       l[1],
		}
		if i == 0 {
			button["style"] = "primary"
		}
		buttons = append(buttons, button)
	}
	if len(buttons) > 0 {
		blocks = append(blocks, map[string]any{"type": "actions", "elements": buttons})
	}
	return map[string]any{"text": oneLine(m.Subject), "blocks": blocks}
}

// slackEscape escapes the three characters Slack's mrkdwn reads as markup
// (links, mentions), so that text from data shows as written.
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// truncate cuts s to at most n characters, marking the cut.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// teamsBody is a message with one Adaptive Card 1.4, the shape Teams'
// incoming webhooks (and Workflows) accept: the subject, the text, the
// alert's facts and an Action.OpenUrl per link.
func teamsBody(m Message) map[string]any {
	body := []any{map[string]any{
		"type": "TextBlock", "text": oneLine(m.Subject),
		"weight": "Bolder", "size": "Medium", "wrap": true,
	}}
	if m.Text != "" {
		body = append(body, map[string]any{"type": "TextBlock", "text": m.Text, "wrap": true})
	}
	if f := facts(m.Alert); len(f) > 0 {
		var fs []any
		for _, x := range f {
			fs = append(fs, map[string]any{"title": x[0], "value": x[1]})
		}
		body = append(body, map[string]any{"type": "FactSet", "facts": fs})
	}
	card := map[string]any{
		"$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
		"type":    "AdaptiveCard",
		"version": "1.4",
		"body":    body,
	}
	var actions []any
	for _, l := range links(m) {
		actions = append(actions, map[string]any{"type": "Action.OpenUrl", "title": l[0], "url": l[1]})
	}
	if len(actions) > 0 {
		card["actions"] = actions
	}
	return map[string]any{
		"type": "message",
		"attachments": []any{map[string]any{
			"contentType": "application/vnd.microsoft.card.adaptive",
			"content":     card,
		}},
	}
}
