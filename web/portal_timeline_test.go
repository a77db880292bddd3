package web

import (
	"strconv"
	"strings"
	"testing"

	"warden"
)

// TestPortalTimelineWords: the portal's timeline names each event in the
// viewer's language, not by its code (request.sent), and keeps the code
// in data-event for tools.
func TestPortalTimelineWords(t *testing.T) {
	p, _ := cooperationPlatform(t)
	q := sentRequest(t, p, "ru-cert", "HOME-2026-1")
	li := newViewer(t, p, "li", warden.RoleCounterpart, "ru-cert")
	path := "/portal/requests/" + strconv.FormatInt(q.ID, 10)
	for _, tt := range []struct{ lang, word string }{{"en", "request sent"}, {"zh-CN,zh;q=0.9", "请求已发出"}} {
		code, body := li.get(path, "Accept-Language", tt.lang)
		if code != 200 {
			t.Fatalf("GET %s: %d", path, code)
		}
		tl := between(body, `<section id="timeline">`, "</section>")
		if !strings.Contains(tl, `<td data-event="request.sent">`+tt.word+`</td>`) {
			t.Errorf("in %s, the timeline does not say %q of request.sent:\n%s", tt.lang, tt.word, tl)
		}
		if strings.Contains(tl, ">request.") {
			t.Errorf("in %s, the timeline shows an event's code:\n%s", tt.lang, tl)
		}
	}
	// The authority's own page of the request names them in words too.
	ana := newViewer(t, p, "ana", warden.RoleAnalyst, "")
	own := "/requests/" + strconv.FormatInt(q.ID, 10)
	code, body := ana.get(own)
	if code != 200 {
		t.Fatalf("GET %s: %d", own, code)
	}
	tl := between(body, `<section id="timeline">`, "</section>")
	if !strings.Contains(tl, `<td data-event="request.sent">request sent</td>`) || strings.Contains(tl, ">request.") {
		t.Errorf("the authority's timeline shows codes, not words:\n%s", tl)
	}
}
