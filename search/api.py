"""GET /api/v1/search/?q=&kind=&plan=&region=&status=: the search page's results as JSON."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from search.selectors import DEFAULT_LIMIT, MAX_LIMIT, search_for


class SearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    kind = serializers.CharField(required=False, allow_blank=True)
    plan = serializers.IntegerField(required=False, min_value=1)
    region = serializers.IntegerField(required=False, min_value=1)
    status = serializers.CharField(required=False, allow_blank=True)
    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_LIMIT, default=DEFAULT_LIMIT
    )


class SearchHitSerializer(serializers.Serializer):
    kind = serializers.CharField()
    id = serializers.IntegerField()
    title = serializers.CharField()
    snippet = serializers.CharField(help_text="HTML: the matched words in <mark>, the rest escaped")
    plan = serializers.IntegerField()
    region = serializers.IntegerField()
    status = serializers.CharField()
    url = serializers.URLField()
    rank = serializers.FloatField()


class SearchResultSerializer(serializers.Serializer):
    query = serializers.CharField()
    words = serializers.ListField(child=serializers.CharField())
    count = serializers.IntegerField()
    results = SearchHitSerializer(many=True)


class SearchView(APIView):
    """Ranked results of what the caller may see; 400 with a message for an unusable query."""

    @extend_schema(parameters=[SearchQuerySerializer], responses=SearchResultSerializer)
    def get(self, request: Request) -> Response:
        params = SearchQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        # An unusable query raises ValidationError: the API's handler answers 400 in its
        # one error format, the message in the request's language.
        result = search_for(
            user=request.user,
            q=data.get("q"),
            kind=data.get("kind") or None,
            plan=data.get("plan"),
            region=data.get("region"),
            status=data.get("status") or None,
            limit=data["limit"],
        )
        return Response(
            {
                "query": result.query,
                "words": result.words,
                "count": result.count,
                "results": [
                    {
                        "kind": str(hit.kind),
                        "id": hit.id,
                        "title": hit.title,
                        "snippet": str(hit.snippet),
                        "plan": hit.plan_id,
                        "region": hit.region_id,
                        "status": hit.status,
                        "url": request.build_absolute_uri(hit.url),
                        "rank": hit.rank,
                    }
                    for hit in result.hits
                ],
            }
        )
