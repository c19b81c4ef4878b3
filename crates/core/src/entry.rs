//! System fields that every entry carries, whatever its type, and the publication status.

use serde::{Deserialize, Serialize};

/// The lifecycle state of an entry. Only `published` entries are served publicly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    Published,
    Scheduled,
    Archived,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Draft,
        Status::Published,
        Status::Scheduled,
        Status::Archived,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Published => "published",
            Status::Scheduled => "scheduled",
            Status::Archived => "archived",
        }
    }

    pub fn parse(text: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// Fields the system maintains on every entry. Content types may not declare fields with
/// these names, so an entry's JSON can hold both side by side without clashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SystemField {
    Id,
    Type,
    Slug,
    Status,
    Locale,
    Locales,
    UnpublishedChanges,
    CreatedAt,
    UpdatedAt,
    PublishedAt,
    ScheduledPublishAt,
    ScheduledUnpublishAt,
    Revision,
    CreatedBy,
    UpdatedBy,
    Translations,
}

impl SystemField {
    pub const ALL: [SystemField; 16] = [
        SystemField::Id,
        SystemField::Type,
        SystemField::Slug,
        SystemField::Status,
        SystemField::Locale,
        SystemField::Locales,
        SystemField::UnpublishedChanges,
        SystemField::CreatedAt,
        SystemField::UpdatedAt,
        SystemField::PublishedAt,
        SystemField::ScheduledPublishAt,
        SystemField::ScheduledUnpublishAt,
        SystemField::Revision,
        SystemField::CreatedBy,
        SystemField::UpdatedBy,
        SystemField::Translations,
    ];

    pub fn name(self) -> &'static str {
        match self {
            SystemField::Id => "id",
            SystemField::Type => "type",
            SystemField::Slug => "slug",
            SystemField::Status => "status",
            SystemField::Locale => "locale",
            SystemField::Locales => "locales",
            SystemField::UnpublishedChanges => "unpublished_changes",
            SystemField::CreatedAt => "created_at",
            SystemField::UpdatedAt => "updated_at",
            SystemField::PublishedAt => "published_at",
            SystemField::ScheduledPublishAt => "scheduled_publish_at",
            SystemField::ScheduledUnpublishAt => "scheduled_unpublish_at",
            SystemField::Revision => "revision",
            SystemField::CreatedBy => "created_by",
            SystemField::UpdatedBy => "updated_by",
            SystemField::Translations => "translations",
        }
    }

    pub fn parse(name: &str) -> Option<SystemField> {
        SystemField::ALL.into_iter().find(|f| f.name() == name)
    }

    /// System fields an editor may set in a write body; the rest are maintained by Civitas
    /// and ignored on input, so an entry read from the API can be sent back unchanged.
    pub fn is_writable(self) -> bool {
        matches!(
            self,
            SystemField::Slug | SystemField::PublishedAt | SystemField::Translations
        )
    }

    /// System fields a list can be sorted on; each has a database index per type.
    pub fn is_sortable(self) -> bool {
        matches!(
            self,
            SystemField::Slug
                | SystemField::CreatedAt
                | SystemField::UpdatedAt
                | SystemField::PublishedAt
        )
    }
}
