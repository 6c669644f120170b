from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.import_problem_out import ImportProblemOut
  from ..models.import_refusal_out import ImportRefusalOut





T = TypeVar("T", bound="ImportReportOut")



@_attrs_define
class ImportReportOut:
    """ 
        Attributes:
            dry_run (bool):
            rows (int):
            valid (int):
            already_imported (int | Unset):  Default: 0.
            held (int | Unset):  Default: 0.
            imported (int | Unset):  Default: 0.
            problems (list[ImportProblemOut] | Unset):
            refused (list[ImportRefusalOut] | Unset):
     """

    dry_run: bool
    rows: int
    valid: int
    already_imported: int | Unset = 0
    held: int | Unset = 0
    imported: int | Unset = 0
    problems: list[ImportProblemOut] | Unset = UNSET
    refused: list[ImportRefusalOut] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.import_problem_out import ImportProblemOut # noqa: PLC0415
        from ..models.import_refusal_out import ImportRefusalOut # noqa: PLC0415
        dry_run = self.dry_run

        rows = self.rows

        valid = self.valid

        already_imported = self.already_imported

        held = self.held

        imported = self.imported

        problems: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.problems, Unset):
            problems = []
            for problems_item_data in self.problems:
                problems_item = problems_item_data.to_dict()
                problems.append(problems_item)



        refused: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.refused, Unset):
            refused = []
            for refused_item_data in self.refused:
                refused_item = refused_item_data.to_dict()
                refused.append(refused_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "dry_run": dry_run,
            "rows": rows,
            "valid": valid,
        })
        if already_imported is not UNSET:
            field_dict["already_imported"] = already_imported
        if held is not UNSET:
            field_dict["held"] = held
        if imported is not UNSET:
            field_dict["imported"] = imported
        if problems is not UNSET:
            field_dict["problems"] = problems
        if refused is not UNSET:
            field_dict["refused"] = refused

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.import_problem_out import ImportProblemOut # noqa: PLC0415
        from ..models.import_refusal_out import ImportRefusalOut # noqa: PLC0415
        d = dict(src_dict)
        dry_run = d.pop("dry_run")

        rows = d.pop("rows")

        valid = d.pop("valid")

        already_imported = d.pop("already_imported", UNSET)

        held = d.pop("held", UNSET)

        imported = d.pop("imported", UNSET)

        _problems = d.pop("problems", UNSET)
        problems: list[ImportProblemOut] | Unset = UNSET
        if _problems is not UNSET:
            problems = []
            for problems_item_data in _problems:
                problems_item = ImportProblemOut.from_dict(problems_item_data)



                problems.append(problems_item)


        _refused = d.pop("refused", UNSET)
        refused: list[ImportRefusalOut] | Unset = UNSET
        if _refused is not UNSET:
            refused = []
            for refused_item_data in _refused:
                refused_item = ImportRefusalOut.from_dict(refused_item_data)



                refused.append(refused_item)


        import_report_out = cls(
            dry_run=dry_run,
            rows=rows,
            valid=valid,
            already_imported=already_imported,
            held=held,
            imported=imported,
            problems=problems,
            refused=refused,
        )


        import_report_out.additional_properties = d
        return import_report_out

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
