// Package bridge is Liveline's domain: the terms that the receiver, the
// store and the publisher share, and the rules that decide how a change
// from Slack alters a live page.
//
// A Channel is a Slack channel mapped to a live page by the YAML config.
// Only mapped channels are ever stored or served.
//
// A Post is one Slack message shown on a live page. Its identity is the
// channel id and the message ts, kept as the exact string Slack sent,
// because parsing it as a float merges or corrupts ids. Its content is a
// list of Blocks (text, image, embed, file), each rendered to an HTML
// fragment that has passed the allow-list sanitizer.
//
// Every visible change to a channel (add, edit, delete, hide, show)
// advances that channel's update clock: a Stamp in microseconds since the
// Unix epoch that strictly increases, so two changes in one microsecond
// still get different stamps and no polling reader misses one.
//
// Changes are merged by Merge, so that redelivered, duplicated and
// out-of-order Slack events give the post that in-order delivery would
// give: a post never comes back once deleted, and an older version never
// replaces a newer one.
//
// This package imports only the standard library.
package bridge
