"""What the demo's people write: progress, problems, next steps, typical cases, reasons.

Chinese first, like everything the users see (English in the translation catalogue). The
pieces are picked by position, so a re-created demo writes the same words in the same places.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

PROGRESS = [
    _("已召开专题推进会，制定年度工作方案，各项工作按计划推进。"),
    _("细化责任分工，建立月调度机制，阶段性目标已经完成。"),
    _("会同相关单位开展联合调研，形成工作台账，重点事项逐项落实。"),
    _("出台配套政策措施，组织业务培训两期，工作成效逐步显现。"),
    _("完成年度任务的主要节点，相关数据已汇总上报。"),
]
NEXT_STEPS = [
    _("持续跟踪落实，按期报送下一阶段进展。"),
    _("加强部门协同，推动配套措施落地见效。"),
    _("总结经验做法，做好年度总结评估。"),
]
PROBLEMS = [
    _("部分配套资金尚未到位。"),
    _("基层专业人员不足，工作力量有待加强。"),
]
DRAFT = _("草稿：本期进展正在汇总。")
CASES = [
    _("探索“一站式”知识产权综合服务，企业办事时间缩短一半，可复制推广。"),
    _("建立知识产权纠纷快速调解机制，调解成功率明显提高，经验已在全省推广。"),
    _("推动知识产权质押融资“入园惠企”，一年内为中小企业融资超过十亿元。"),
]
RETURN_REASON = _("请补充量化数据。")
CORRECTED = _("已补充量化数据：本期完成专利质押登记12笔，培训企业86家。")
PROBLEM_DATA = _("数据尚未汇总。")

STATUS_REASONS = {
    "on_track": _("演示：年度调度，按计划推进"),
    "ongoing": _("演示：常态化工作，持续推进"),
    "at_risk": _("演示：进展报告反映配套措施滞后"),
    "behind": _("演示：完成时限临近，关键节点未完成"),
    "completed": _("演示：目标任务已全部完成"),
}

WORK_ITEMS = [
    _("出台知识产权综合管理改革实施细则"),
    _("完善重点产业知识产权政策配套"),
    _("开展知识产权保护专项行动"),
]
WORK_ITEM_CLOSED = _("已按期完成。")
EXTENSION_REASON = _("相关配套文件需待上位法规出台后制定。")
EXTENSION_GRANTED = _("同意延期。")

INDICATOR_SOURCE = _("统计年报")
INDICATOR_NOTE = _("演示：年度统计数据")

COMMENTS = [
    _("请在下一期报告中补充与国家层面政策衔接的情况。"),
    _("该项工作成效明显，建议总结经验在委员会会议上交流。"),
]
