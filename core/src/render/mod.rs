//! Renderers over the one report model: text for people, JSON, Markdown (job summaries, PR comments) and
//! SARIF 2.1.0. Each writes into a `String`.
