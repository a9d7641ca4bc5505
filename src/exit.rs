//! The process exit codes, as `kubectl diff` uses them: one enum, merged
//! across the policies of a run, instead of literals in every command.

/// What a run ends with; the worst of several results wins ([`Exit::merge`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Exit {
    /// 0: every policy selects a tag, nothing differs, no lint error.
    #[default]
    Success,
    /// 1: a policy selects nothing, something differs, a lint error, a change
    /// `mark` would make.
    Failure,
    /// 2: usage, input or environment errors.
    Error,
}

impl Exit {
    /// The worse of two results.
    #[must_use]
    pub fn merge(self, other: Exit) -> Exit {
        self.max(other)
    }

    /// 1 when `failed`, else 0.
    pub fn failure_if(failed: bool) -> Exit {
        if failed { Exit::Failure } else { Exit::Success }
    }

    pub fn code(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::Failure => 1,
            Exit::Error => 2,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worst_wins() {
        assert_eq!(Exit::Success.merge(Exit::Failure), Exit::Failure);
        assert_eq!(Exit::Error.merge(Exit::Failure), Exit::Error);
        assert_eq!(Exit::failure_if(false).code(), 0);
        assert_eq!(Exit::failure_if(true).code(), 1);
        assert_eq!(Exit::Error.code(), 2);
    }
}
