//! Where the screen is in a user's action, as one value: idle, asking whether to disconnect a
//! source, or busy with one; plus the message above the list. Every transition is a method here,
//! so the rules ("one action at a time", "a new action hides the old message") live in one place
//! and are tested on the host.

use crate::catalogue::SourceId;
use crate::outcome::Outcome;
use crate::status::Knowledge;
use thryve_connect_protocol::thryve::Action;

/// A message above the list.
#[derive(Clone, Debug, PartialEq)]
pub enum Notice {
    /// A connect or disconnect finished.
    Outcome(Outcome),
    /// New-tab mode: the vendor page is open in another tab.
    TabOpened(SourceId),
    /// The browser refused to open a tab for this action.
    PopupBlocked(Action, SourceId),
}

/// The step the user is at.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Step {
    /// Nothing under way.
    #[default]
    Idle,
    /// Asking whether to disconnect this source.
    Confirming(SourceId),
    /// Leaving for Thryve, opening it, waiting for a fresh token or revoking in the background.
    Busy(SourceId, Action),
}

/// What a row shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowState {
    /// Idle, with what is known about the source.
    Known(Knowledge),
    /// Leaving for Thryve (or opening it) for this source.
    Connecting,
    /// A disconnect of this source is under way.
    Disconnecting,
    /// Asking whether to disconnect; the state shown stays what is known.
    Confirming(Knowledge),
    /// Native source: mobile app only.
    Native,
}

impl RowState {
    /// The row's `data-state` attribute. A confirming row keeps showing what it knew.
    pub fn as_str(self) -> &'static str {
        match self {
            RowState::Known(knowledge) | RowState::Confirming(knowledge) => knowledge.as_str(),
            RowState::Connecting => "connecting",
            RowState::Disconnecting => "disconnecting",
            RowState::Native => "native",
        }
    }
}

/// The step and the message.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Flow {
    /// Where the user is.
    pub step: Step,
    /// The message above the list.
    pub notice: Option<Notice>,
}

impl Flow {
    /// Whether an action is under way (the buttons wait).
    pub fn is_busy(&self) -> bool {
        matches!(self.step, Step::Busy(..))
    }

    /// What the row of a source shows, given what is known about it.
    pub fn row_state(&self, source: SourceId, web: bool, knowledge: Knowledge) -> RowState {
        match self.step {
            _ if !web => RowState::Native,
            Step::Confirming(id) if id == source => RowState::Confirming(knowledge),
            Step::Busy(id, Action::Connect) if id == source => RowState::Connecting,
            Step::Busy(id, Action::Disconnect) if id == source => RowState::Disconnecting,
            _ => RowState::Known(knowledge),
        }
    }

    /// Disconnect was pressed: ask first. The old message goes.
    pub fn ask(&mut self, source: SourceId) {
        self.notice = None;
        self.step = Step::Confirming(source);
    }

    /// The question was answered with "Cancel" (or "Yes": [`Flow::begin`] follows).
    pub fn stop_asking(&mut self) {
        if matches!(self.step, Step::Confirming(_)) {
            self.step = Step::Idle;
        }
    }

    /// An action starts. `false` (and nothing changes) while another one is under way.
    pub fn begin(&mut self, source: SourceId, action: Action) -> bool {
        if self.is_busy() {
            return false;
        }
        self.notice = None;
        self.step = Step::Busy(source, action);
        true
    }

    /// The action is over (or never left): back to idle, with `notice` if there is one to show.
    pub fn end(&mut self, notice: Option<Notice>) {
        self.step = Step::Idle;
        if notice.is_some() {
            self.notice = notice;
        }
    }

    /// A result arrived (a return from Thryve): shown, whatever the step.
    pub fn show(&mut self, notice: Notice) {
        self.notice = Some(notice);
    }

    /// The message was dismissed.
    pub fn dismiss(&mut self) {
        self.notice = None;
    }
}

// Host tests (`cargo test`); the browser tests are in tests/web/.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn one_action_at_a_time() {
        let mut flow = Flow::default();
        assert!(flow.begin(1, Action::Connect));
        assert!(flow.is_busy());
        assert!(!flow.begin(2, Action::Disconnect), "a second action waits");
        assert_eq!(flow.step, Step::Busy(1, Action::Connect));
        flow.end(None);
        assert_eq!(flow.step, Step::Idle);
        assert!(flow.begin(2, Action::Disconnect));
    }

    #[test]
    fn a_new_action_hides_the_old_message_and_an_ending_one_may_show_its_own() {
        let mut flow = Flow::default();
        flow.show(Notice::TabOpened(1));
        flow.ask(8);
        assert_eq!(flow.notice, None, "asking hides the old message");
        flow.show(Notice::TabOpened(1));
        assert!(flow.begin(8, Action::Disconnect));
        assert_eq!(flow.notice, None, "starting hides it too");
        flow.end(Some(Notice::PopupBlocked(Action::Disconnect, 8)));
        assert_eq!(
            flow.notice,
            Some(Notice::PopupBlocked(Action::Disconnect, 8))
        );
        flow.end(None);
        assert!(
            flow.notice.is_some(),
            "ending without a message keeps the shown one"
        );
        flow.dismiss();
        assert_eq!(flow.notice, None);
    }

    #[test]
    fn rows_follow_the_step() {
        let mut flow = Flow::default();
        let known = Knowledge::Connected;
        assert_eq!(flow.row_state(1, true, known), RowState::Known(known));
        assert_eq!(flow.row_state(5, false, known), RowState::Native);
        flow.ask(1);
        assert_eq!(flow.row_state(1, true, known), RowState::Confirming(known));
        assert_eq!(RowState::Confirming(known).as_str(), "connected");
        assert_eq!(flow.row_state(2, true, known), RowState::Known(known));
        flow.stop_asking();
        assert_eq!(flow.step, Step::Idle);
        flow.begin(1, Action::Connect);
        assert_eq!(flow.row_state(1, true, known), RowState::Connecting);
        flow.stop_asking();
        assert!(
            flow.is_busy(),
            "cancelling a question does not end an action"
        );
        flow.end(None);
        flow.begin(2, Action::Disconnect);
        assert_eq!(flow.row_state(2, true, known), RowState::Disconnecting);
        assert_eq!(flow.row_state(1, true, known), RowState::Known(known));
    }
}
