//! Report diff (base vs head) for pull requests.
pub struct ReportDiff;
pub struct Change;
pub enum ChangeKind {}
pub fn diff_reports() {}
