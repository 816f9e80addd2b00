from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, StringField, TextAreaField

from ..forms import max_length

# Dates are plain text inputs of type "date" (a phone shows its date picker): the service parses them, so
# a bad date gets the same Vietnamese message on the page and in the API.
DATE = {"type": "date"}


class ClaimForm(FlaskForm):
    stars = SelectField(_l("Số sao được công nhận"), validate_choice=False,
                        choices=[("", _l("— Chọn —")), ("3", "★★★ 3"), ("4", "★★★★ 4"), ("5", "★★★★★ 5")])
    decision_number = StringField(_l("Số quyết định công nhận"), validators=[max_length(60)],
                                  render_kw={"placeholder": _l("Ví dụ: 1234/QĐ-UBND")})
    decided_on = StringField(_l("Ngày ký quyết định"), render_kw=DATE)
    product_group = SelectField(_l("Nhóm sản phẩm"), validate_choice=False)
    expires_on = StringField(_l("Ngày hết hạn"), render_kw=DATE)
    certificate = FileField(_l("Ảnh chụp hoặc tệp PDF giấy chứng nhận"),
                            render_kw={"accept": "image/jpeg,image/png,image/webp,application/pdf,.pdf"})

    def fill_choices(self, labels: dict[str, str]) -> None:
        self.product_group.choices = [("", _l("— Chọn —"))] + list(labels.items())

    def data_for_service(self) -> dict:
        return {"stars": self.stars.data, "decision_number": self.decision_number.data,
                "decided_on": self.decided_on.data, "product_group": self.product_group.data,
                "expires_on": self.expires_on.data}


class RejectForm(FlaskForm):
    reason = TextAreaField(_l("Lý do từ chối"), validators=[max_length(500)], render_kw={"rows": 3})


class DecideForm(FlaskForm):
    """Only the CSRF token: approving takes no other input."""
