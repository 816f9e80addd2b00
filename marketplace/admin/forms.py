from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField

from ..forms import max_length


class ReasonForm(FlaskForm):
    """Hide, or disable: the reason is required (the service says so, in Vietnamese)."""

    reason = TextAreaField(_l("Lý do (người bán sẽ đọc)"), validators=[max_length(500)])


class NoteForm(FlaskForm):
    """Verify, unhide, change a role: a note for the log is welcome but not required."""

    note = StringField(_l("Ghi chú (không bắt buộc)"), validators=[max_length(500)])


class CategoryForm(FlaskForm):
    name = StringField(_l("Tên tiếng Việt"), validators=[max_length(100)])
    name_en = StringField(_l("Tên tiếng Anh"), validators=[max_length(100)])
    slug = StringField(_l("Đường dẫn (để trống: tạo từ tên)"), validators=[max_length(80)])
    parent_id = SelectField(_l("Nằm trong"), choices=[], validate_choice=False)

    def fill_choices(self, top_level, exclude_id: int | None = None) -> None:
        self.parent_id.choices = [("", _l("— Cấp trên cùng —"))] + [
            (str(c.id), c.name) for c in top_level if c.id != exclude_id]
