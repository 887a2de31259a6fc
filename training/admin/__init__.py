"""Back office of training: courses and assignments (training), an agent's training page (agent_page), awards and
the monthly top agents (recognition). Importing the modules registers their ModelAdmins."""

from training.admin.recognition import AgentAwardAdmin
from training.admin.training import TrainingAssignmentAdmin, TrainingCourseAdmin

__all__ = ["AgentAwardAdmin", "TrainingAssignmentAdmin", "TrainingCourseAdmin"]
